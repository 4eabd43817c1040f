# Reference values for the mode-based estimate (Hartwig et al. 2017) from base R's density().
# Run from this folder with R 4.2 (grid coordinates of density() changed in R 4.4):
#   Rscript mode_reference.R > mode_reference_r4.2.tsv
# Written from the published formula: bandwidth h = phi * 0.9 * min(sd, mad) / k^(1/5),
# normalised weights se^-2 (weighted) or equal (simple), estimate = grid point of maximal
# weighted Gaussian density. Second-order SEs of the ratio estimates.
mbe <- function(bx, bxse, by, byse, weighted, phi = 1) {
  beta <- by / bx
  se <- sqrt(byse^2 / bx^2 + by^2 * bxse^2 / bx^4)
  w <- if (weighted) se^-2 / sum(se^-2) else rep(1 / length(beta), length(beta))
  s <- 0.9 * min(sd(beta), mad(beta)) / length(beta)^(1 / 5)
  h <- max(1e-8, s * phi)
  d <- density(beta, weights = w, bw = h)
  d$x[d$y == max(d$y)][1]
}
lip <- read.csv("waterworth2010_lipids_chd.csv")
ex <- read.delim("twosamplemr_vignette_bmi_ieu-a-2_exposure.tsv")
out <- read.delim("twosamplemr_vignette_chd_ieu-a-7_outcome.tsv")
bmi <- merge(ex, out, by = "SNP")
stopifnot(nrow(bmi) == 79, all(bmi$effect_allele.exposure == bmi$effect_allele.outcome))
cat("dataset\tmethod\tphi\testimate\n")
for (phi in c(1, 0.5)) {
  for (wt in c(FALSE, TRUE)) {
    m <- if (wt) "weighted_mode" else "simple_mode"
    cat("waterworth_ldl_chd", m, phi, sprintf("%.15g", mbe(lip$ldlc_beta, lip$ldlc_se,
        lip$chd_logodds, lip$chd_logodds_se, wt, phi)), sep = "\t"); cat("\n")
    cat("twosamplemr_bmi_chd", m, phi, sprintf("%.15g", mbe(bmi$beta.exposure,
        bmi$se.exposure, bmi$beta.outcome, bmi$se.outcome, wt, phi)), sep = "\t"); cat("\n")
  }
}
