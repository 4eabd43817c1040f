# Reference values for the deterministic parts of the MR estimators, computed with base R
# (lm, pnorm, pt, pchisq) from the published formulas, independently of alsatlas.
# Run from this folder: Rscript estimators_reference.R > estimators_reference_r4.2.tsv
# Datasets: Waterworth 2010 LDL-c -> CHD (28 variants) and the TwoSampleMR vignette
# BMI (ieu-a-2) -> CHD (ieu-a-7), all 79 variants (alleles already aligned in the files).
wmedian <- function(theta, w) {
  o <- order(theta); theta <- theta[o]; w <- w[o]
  s <- (cumsum(w) - 0.5 * w) / sum(w)
  b <- max(which(s < 0.5))
  theta[b] + (theta[b + 1] - theta[b]) * (0.5 - s[b]) / (s[b + 1] - s[b])
}
out <- function(ds, q, v) cat(paste(ds, q, sprintf("%.15g", v), sep = "\t"), "\n", sep = "")
run <- function(ds, bx, bxse, by, byse) {
  k <- length(bx)
  f <- summary(lm(by ~ -1 + bx, weights = byse^-2))
  b <- f$coef[1, 1]; se <- f$coef[1, 2]; s <- f$sigma
  out(ds, "ivw_b", b)
  out(ds, "ivw_se_random", se / min(1, s))
  out(ds, "ivw_se_fixed", se / s)
  out(ds, "ivw_p_random", 2 * pnorm(-abs(b / (se / min(1, s)))))
  out(ds, "ivw_Q", s^2 * (k - 1))
  out(ds, "ivw_Q_p", pchisq(s^2 * (k - 1), k - 1, lower.tail = FALSE))
  w2 <- 1 / (byse^2 + by^2 * bxse^2 / bx^2)  # second-order ("delta") weights, psi = 0
  f2 <- summary(lm(by ~ -1 + bx, weights = w2))
  out(ds, "ivw_second_order_b", f2$coef[1, 1])
  out(ds, "ivw_second_order_se_random", f2$coef[1, 2] / min(1, f2$sigma))
  y <- by * sign(bx); x <- abs(bx)
  e <- summary(lm(y ~ x, weights = byse^-2)); se_ <- e$sigma
  eb <- e$coef[2, 1]; ese <- e$coef[2, 2] / min(1, se_)
  ei <- e$coef[1, 1]; eise <- e$coef[1, 2] / min(1, se_)
  out(ds, "egger_b", eb); out(ds, "egger_se", ese)
  out(ds, "egger_p_t", 2 * pt(-abs(eb / ese), k - 2))
  out(ds, "egger_p_normal", 2 * pnorm(-abs(eb / ese)))
  out(ds, "egger_ci_lb_t", eb - qt(0.975, k - 2) * ese)
  out(ds, "egger_ci_lb_normal", eb - qnorm(0.975) * ese)
  out(ds, "egger_ci_lb_196", eb - 1.96 * ese)  # TwoSampleMR generate_odds_ratios
  out(ds, "egger_intercept", ei); out(ds, "egger_intercept_se", eise)
  out(ds, "egger_intercept_p_t", 2 * pt(-abs(ei / eise), k - 2))
  out(ds, "egger_Q", se_^2 * (k - 2))
  out(ds, "rucker_Q_diff_p", pchisq(s^2 * (k - 1) - se_^2 * (k - 2), 1, lower.tail = FALSE))
  gy <- x / byse; gs <- bxse / byse; gw <- gs^-2
  Q <- sum(gw * (gy - weighted.mean(gy, gw))^2)
  out(ds, "I2GX", max(0, (Q - (k - 1)) / Q))
  theta <- by / bx
  w1 <- (bx / byse)^2
  w2 <- 1 / (byse^2 / bx^2 + by^2 * bxse^2 / bx^4)
  out(ds, "simple_median_b", wmedian(theta, rep(1 / k, k)))
  out(ds, "weighted_median_b_first", wmedian(theta, w1))
  out(ds, "weighted_median_b_second", wmedian(theta, w2))
  for (nm in c("first", "second")) {
    w <- if (nm == "first") w1 else w2
    pen <- pchisq(w * (theta - wmedian(theta, w))^2, df = 1, lower.tail = FALSE)
    out(ds, paste0("penalised_weighted_median_b_", nm), wmedian(theta, w * pmin(1, 20 * pen)))
  }
}
lip <- read.csv("waterworth2010_lipids_chd.csv")
ex <- read.delim("twosamplemr_vignette_bmi_ieu-a-2_exposure.tsv")
oc <- read.delim("twosamplemr_vignette_chd_ieu-a-7_outcome.tsv")
bmi <- merge(ex, oc, by = "SNP")
stopifnot(nrow(bmi) == 79, all(bmi$effect_allele.exposure == bmi$effect_allele.outcome))
cat("dataset\tquantity\tvalue\n")
run("waterworth_ldl_chd", lip$ldlc_beta, lip$ldlc_se, lip$chd_logodds, lip$chd_logodds_se)
run("twosamplemr_bmi_chd", bmi$beta.exposure, bmi$se.exposure, bmi$beta.outcome, bmi$se.outcome)
