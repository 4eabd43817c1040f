# Reference values for tests/synthesis/test_synthesis_reference.py, computed with metafor.
# Run: Rscript make_synthesis_reference.R > synthesis_reference.json
# Each set lists published ratio estimates with 95% CIs; yi = log(estimate),
# sei = (log(upper) - log(lower)) / (2 * qnorm(0.975)); model rma(yi, sei = sei) with metafor's
# defaults (REML, z), plus test = "knha" and predict() for the prediction interval.
suppressPackageStartupMessages(library(metafor))
sets <- list(
  # any immune-mediated disease: Cao 2024 HR 1.42 (1.03-1.94); Sweden 2021 OR 1.47 (1.31-1.64)
  any_imd = data.frame(est = c(1.42, 1.47), lb = c(1.03, 1.31), ub = c(1.94, 1.64)),
  # type 1 diabetes proxies: Mariosa 2015 OR 0.83 (0.60-1.15); Kioumourtzoglou 2015 OR 1.66 (0.85-3.21)
  t1d = data.frame(est = c(1.66, 0.83), lb = c(0.85, 0.60), ub = c(3.21, 1.15)),
  # three synthetic cohorts with heterogeneity
  hetero = data.frame(est = c(2.5, 0.5, 1.1), lb = c(2.0, 0.4, 0.9), ub = c(3.1, 0.62, 1.3))
)
fmt <- function(x) formatC(x, digits = 15, format = "g")
out <- c()
for (name in names(sets)) {
  d <- sets[[name]]
  yi <- log(d$est)
  sei <- (log(d$ub) - log(d$lb)) / (2 * qnorm(0.975))
  fit <- rma(yi, sei = sei, method = "REML", test = "z")
  hk <- rma(yi, sei = sei, method = "REML", test = "knha")
  pr <- predict(fit)
  w <- weights(fit)
  out <- c(out, sprintf(
    '"%s": {"estimate": %s, "ci_lb": %s, "ci_ub": %s, "pi_lb": %s, "pi_ub": %s, "tau2": %s, "I2": %s, "knha_ci_lb": %s, "knha_ci_ub": %s, "weights": [%s]}',
    name, fmt(exp(fit$b[1])), fmt(exp(fit$ci.lb)), fmt(exp(fit$ci.ub)), fmt(exp(pr$pi.lb)),
    fmt(exp(pr$pi.ub)), fmt(fit$tau2), fmt(fit$I2), fmt(exp(hk$ci.lb)), fmt(exp(hk$ci.ub)),
    paste(fmt(w), collapse = ", ")))
}
cat("{\n", paste(out, collapse = ",\n"), "\n}\n", sep = "")
