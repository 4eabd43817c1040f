# MendelianRandomization mr_mbe (mode-based estimate) on the Waterworth LDL-c -> CHD data,
# all four weighting x stderror combinations, with the package's default seed (314159265)
# and iterations (10,000). The package's R files are sourced unchanged from its public
# source (github:cran/MendelianRandomization, R/ folder given as the argument).
# Run from this folder:
#   Rscript mendelianrandomization_mbe_reference.R MR_R_DIR > mendelianrandomization_mbe_reference_r4.2.tsv
args <- commandArgs(trailingOnly = TRUE)
stopifnot(length(args) == 1)
suppressMessages(library(methods))
for (f in c("1Data.R", "AllClasses.R", "AllGenerics.R", "ExtraFunctions.R", "mr_mbe-methods.R")) {
  source(file.path(args[1], f))
}
d <- read.csv("waterworth2010_lipids_chd.csv")
obj <- new("MRInput", betaX = d$ldlc_beta, betaY = d$chd_logodds, betaXse = d$ldlc_se,
           betaYse = d$chd_logodds_se)
cat("weighting\tstderror\testimate\tse\tpval\titerations\n")
for (w in c("weighted", "unweighted")) for (s in c("simple", "delta")) {
  r <- mr_mbe(obj, weighting = w, stderror = s)
  cat(w, s, sprintf("%.17g", c(r@Estimate, r@StdError, r@Pvalue)), 10000, sep = "\t")
  cat("\n")
}
