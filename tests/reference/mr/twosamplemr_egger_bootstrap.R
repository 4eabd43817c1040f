# Monte Carlo reference for TwoSampleMR's MR-Egger bootstrap (mr_egger_regression_bootstrap,
# nboot = 1000), sourced UNCHANGED from TwoSampleMR's R/mr.R (folder given as argument):
#   Rscript twosamplemr_egger_bootstrap.R <TwoSampleMR>/R > twosamplemr_egger_bootstrap_r4.2.tsv
# (MRCIEU/TwoSampleMR @c14776b8). Seeds 1..10: alsatlas reproduces each with R's normal
# stream and checks its own numpy stream against their spread.
tsmr <- new.env(); sys.source(file.path(commandArgs(TRUE)[1], "mr.R"), envir = tsmr)
ww <- read.csv("waterworth2010_lipids_chd.csv")
ex <- read.delim("twosamplemr_vignette_bmi_ieu-a-2_exposure.tsv", stringsAsFactors = FALSE)
oc <- read.delim("twosamplemr_vignette_chd_ieu-a-7_outcome.tsv", stringsAsFactors = FALSE)
snps <- sort(intersect(ex$SNP, oc$SNP))
ex <- ex[match(snps, ex$SNP), ]; oc <- oc[match(snps, oc$SNP), ]
sets <- list(
  waterworth_ldl_chd = list(ww$ldlc_beta, ww$chd_logodds, ww$ldlc_se, ww$chd_logodds_se),
  twosamplemr_bmi_chd = list(ex$beta.exposure, oc$beta.outcome, ex$se.exposure, oc$se.outcome)
)
cat("dataset\tmethod\tseed\tquantity\tvalue\n")
for (ds in names(sets)) {
  d <- sets[[ds]]
  for (s in 1:10) {
    set.seed(s)
    o <- tsmr$mr_egger_regression_bootstrap(d[[1]], d[[2]], d[[3]], d[[4]], list(nboot = 1000))
    for (q in c("b", "se", "pval", "b_i", "se_i", "pval_i"))
      cat(ds, "\tegger_bootstrap\t", s, "\t", q, "\t", sprintf("%.17g", o[[q]]), "\n", sep = "")
  }
}
