# Monte Carlo reference for MR-cML with data perturbation (MendelianRandomization 0.10.0
# mr_cML defaults: MA = TRUE, DP = TRUE, num_pert = 200, random_seed = 314), sourced
# UNCHANGED from the package's R folder given as the argument:
#   Rscript mendelianrandomization_cml_dp.R <MendelianRandomization>/R > mendelianrandomization_cml_dp_r4.2.tsv
# Seeds 314 (the default) and 1..8: alsatlas reproduces each with R's normal stream and
# checks its own numpy stream against their spread.
suppressPackageStartupMessages({
  library(methods); library(robustbase); library(glmnet); library(quantreg)
  library(Matrix); library(numDeriv)
})
mr_dir <- commandArgs(TRUE)[1]
for (f in sort(list.files(mr_dir, pattern = "[.]R$", full.names = TRUE))) {
  if (basename(f) != "RcppExports.R") sys.source(f, envir = globalenv())
}
ww <- read.csv("waterworth2010_lipids_chd.csv")
inp <- mr_input(bx = ww$ldlc_beta, bxse = ww$ldlc_se, by = ww$chd_logodds,
                byse = ww$chd_logodds_se)
cat("dataset\tmethod\tseed\tquantity\tvalue\n")
out <- function(m, s, q, v) cat("waterworth_ldl_chd\t", m, "\t", s, "\t", q, "\t",
                                sprintf("%.17g", v), "\n", sep = "")
for (s in c(314, 1:8)) {
  o <- mr_cML(inp, n = 17723, random_seed = s)
  out("cml_ma_bic_dp", s, "b", o@Estimate); out("cml_ma_bic_dp", s, "se", o@StdError)
  out("cml_ma_bic_dp", s, "pval", o@Pvalue)
  out("cml_ma_bic_dp", s, "gof1_p", o@GOF1_p); out("cml_ma_bic_dp", s, "gof2_p", o@GOF2_p)
}
o <- mr_cML(inp, n = 17723, MA = FALSE)
out("cml_bic_dp", 314, "b", o@Estimate); out("cml_bic_dp", 314, "se", o@StdError)
