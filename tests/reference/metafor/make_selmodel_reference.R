# Reference values for alsatlas.stats.selmodel, computed by metafor (3.8-1) over metadat:
# step-function and beta selection models for random-effects models (one with a moderator).
#
#   Rscript tests/reference/metafor/make_selmodel_reference.R   (from the repository root)
#
# writes tests/reference/metafor/selmodel_reference.json. The optimiser (optim BFGS) runs with
# reltol = 1e-15 and finite-difference steps ndeps = 1e-7 (defaults 1e-8 and 1e-3) so that
# the maximum is located precisely. metafor's beta model integrates each study's
# normalising constant with integrate(rel.tol = .Machine$double.eps^0.25); tighter settings make
# integrate() fail, so beta-model fits carry that integration error. To check the likelihood
# itself precisely, the log-likelihood is also reported at fixed parameter values (beta, tau2
# and delta given), where integrate() succeeds with rel.tol = 1e-10.

suppressMessages(library(metafor))
library(rjson)

num <- function(x) if (is.null(x) || length(x) == 0) NA_real_ else as.numeric(x)
hack <- dat.hackshaw1998
bcg <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
datasets <- list(hackshaw = list(yi = hack$yi, vi = hack$vi, mods = hack$year - 1990),
                 bcg = list(yi = as.numeric(bcg$yi), vi = as.numeric(bcg$vi)))

out_fit <- function(s) list(beta = num(s$beta), se = num(s$se), zval = num(s$zval),
  pval = num(s$pval), ci_lb = num(s$ci.lb), ci_ub = num(s$ci.ub), tau2 = num(s$tau2),
  se_tau2 = num(s$se.tau2), delta = num(s$delta), se_delta = num(s$se.delta),
  zval_delta = num(s$zval.delta), pval_delta = num(s$pval.delta), ll = num(s$ll),
  ll0 = num(s$ll0), LRT = num(s$LRT), LRTdf = num(s$LRTdf), LRTp = num(s$LRTp),
  fit_ML = num(s$fit.stats[, "ML"]), ptable = if (is.data.frame(s$ptable)) num(s$ptable$k) else NA)

cases <- list()
add <- function(name, dname, type, steps = NULL, alternative = "greater", method = "ML",
                use_mods = FALSE) {
  d <- datasets[[dname]]
  res <- if (use_mods) rma(d$yi, d$vi, mods = d$mods, method = method)
         else rma(d$yi, d$vi, method = method)
  npar <- (1 + use_mods) + 1 + (if (type == "beta") 2 else length(unique(c(steps, 1))))
  ctl <- list(reltol = 1e-15, maxit = 100000, ndeps = rep(1e-7, npar))
  args <- list(res, type = type, alternative = alternative, control = ctl)
  if (!is.null(steps)) args$steps <- steps
  s <- tryCatch(suppressWarnings(do.call(selmodel, args)), error = function(e) e)
  case <- list(name = name, dataset = dname, type = type, alternative = alternative,
               method = method, steps = if (is.null(steps)) NA else steps, mods = use_mods)
  if (inherits(s, "error")) case$error <- conditionMessage(s) else case$result <- out_fit(s)
  cases[[length(cases) + 1]] <<- case
}
add("hackshaw step 0.025", "hackshaw", "stepfun", 0.025)
add("hackshaw step 0.025 0.5", "hackshaw", "stepfun", c(0.025, 0.5))
add("hackshaw step REML start", "hackshaw", "stepfun", c(0.05, 0.5), method = "REML")
add("hackshaw step two.sided", "hackshaw", "stepfun", c(0.05, 0.2), alternative = "two.sided")
add("bcg step less", "bcg", "stepfun", c(0.01, 0.3), alternative = "less")
add("hackshaw step year", "hackshaw", "stepfun", c(0.025, 0.5), use_mods = TRUE)
add("hackshaw beta", "hackshaw", "beta")
add("bcg beta less", "bcg", "beta", alternative = "less")

# log-likelihood at fixed parameters (precise integration)
points <- list()
ll_at <- function(name, dname, type, beta, tau2, delta, steps = NULL, alternative = "greater") {
  d <- datasets[[dname]]
  res <- rma(d$yi, d$vi, method = "ML")
  ctl <- list(intCtrl = list(rel.tol = 1e-10, subdivisions = 10000L))
  args <- list(res, type = type, alternative = alternative, beta = beta, tau2 = tau2,
               delta = delta, control = ctl, skiphes = TRUE, skiphet = TRUE)
  if (!is.null(steps)) args$steps <- steps
  s <- suppressWarnings(do.call(selmodel, args))
  points[[length(points) + 1]] <<- list(name = name, dataset = dname, type = type,
    alternative = alternative, beta = beta, tau2 = tau2, delta = delta,
    steps = if (is.null(steps)) NA else steps, ll = num(s$ll))
}
ll_at("hackshaw beta point", "hackshaw", "beta", 0.2, 0.03, c(0.7, 1.3))
ll_at("hackshaw beta point 2", "hackshaw", "beta", -0.1, 0.1, c(1.5, 0.6))
ll_at("bcg beta two.sided", "bcg", "beta", -0.7, 0.3, c(0.8, 1.1), alternative = "two.sided")
ll_at("bcg beta less", "bcg", "beta", -0.5, 0.2, c(0.9, 1.4), alternative = "less")
ll_at("hackshaw step point", "hackshaw", "stepfun", 0.1, 0.02, c(1, 0.6, 0.3),
      steps = c(0.025, 0.5, 1))

out <- list(generated_by = "tests/reference/metafor/make_selmodel_reference.R",
            metafor = as.character(packageVersion("metafor")), R = R.version.string,
            datasets = datasets, cases = cases, points = points)
writeLines(toJSON(out), "tests/reference/metafor/selmodel_reference.json")
