# MR-PRESSO (rondolab/MR-PRESSO R/mr_presso.R, sourced unchanged from the folder given as the
# argument) on the TwoSampleMR vignette BMI -> CHD variants (79, sorted by rsid): the observed
# global RSS and the per-variant RSSobs of the outlier test, which do not depend on the
# simulations (NbDistribution = 100, seed 1, only to make the outlier test run).
# Run from this folder:
#   Rscript presso_rssobs_reference.R PRESSO_R_DIR > presso_rssobs_reference_r4.2.tsv
args <- commandArgs(trailingOnly = TRUE)
stopifnot(length(args) == 1)
source(file.path(args[1], "mr_presso.R"))
ex <- read.delim("twosamplemr_vignette_bmi_ieu-a-2_exposure.tsv", stringsAsFactors = FALSE)
ou <- read.delim("twosamplemr_vignette_chd_ieu-a-7_outcome.tsv", stringsAsFactors = FALSE)
snps <- sort(intersect(ex$SNP, ou$SNP), method = "radix")
ex <- ex[match(snps, ex$SNP), ]; ou <- ou[match(snps, ou$SNP), ]
d <- data.frame(bx = ex$beta.exposure, by = ou$beta.outcome, bxse = ex$se.exposure,
                byse = ou$se.outcome)
r <- mr_presso(BetaOutcome = "by", BetaExposure = "bx", SdOutcome = "byse", SdExposure = "bxse",
               data = d, OUTLIERtest = TRUE, DISTORTIONtest = FALSE, NbDistribution = 100,
               SignifThreshold = 1, seed = 1)
g <- r$`MR-PRESSO results`$`Global Test`
o <- r$`MR-PRESSO results`$`Outlier Test`
cat("SNP\trss_obs\n")
cat("global", sprintf("%.17g", g$RSSobs), sep = "\t"); cat("\n")
for (i in seq_along(snps)) { cat(snps[i], sprintf("%.17g", o$RSSobs[i]), sep = "\t"); cat("\n") }
