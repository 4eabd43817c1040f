# Reference values for the GENQM tau^2 estimator (alsatlas.stats.tau2_extra), computed by
# metafor (3.8-1) rma.uni(method = "GENQM"), which needs CompQuadForm::farebrother (not
# installed system-wide here). Install CompQuadForm's unchanged CRAN sources into a library
# and pass its path:
#
#   R CMD INSTALL -l /tmp/rlib CompQuadForm                        (the package sources)
#   Rscript tests/reference/metafor/make_genqm_reference.R /tmp/rlib   (from the repository root)
#
# writes tests/reference/metafor/genqm_reference.json. uniroot runs with tol = 1e-14.

args <- commandArgs(trailingOnly = TRUE)
if (length(args) >= 1) .libPaths(c(args[1], .libPaths()))
suppressMessages(library(metafor))
library(rjson)
stopifnot(requireNamespace("CompQuadForm", quietly = TRUE))

num <- function(x) if (is.null(x) || length(x) == 0) NA_real_ else as.numeric(x)
ctl <- list(tol = 1e-14, maxiter = 10000)
bcg <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
bcg_n <- with(dat.bcg, tpos + tneg + cpos + cneg) / 1000
hack <- dat.hackshaw1998
cases <- list()
add <- function(name, yi, vi, weights, mods = NULL, test = "z", tau2 = NULL) {
  a <- list(yi = yi, vi = vi, weights = weights, method = "GENQM", test = test, control = ctl)
  if (!is.null(mods)) a$mods <- mods
  if (!is.null(tau2)) a$tau2 <- tau2
  r <- do.call(rma, a)
  cases[[length(cases) + 1]] <<- list(name = name, yi = num(yi), vi = num(vi),
    weights = num(weights), mods = if (is.null(mods)) NULL else num(mods), test = test,
    tau2_fixed = if (is.null(tau2)) NA else tau2,
    beta = num(r$beta), se = num(r$se), pval = num(r$pval), tau2 = num(r$tau2),
    se_tau2 = num(r$se.tau2), I2 = num(r$I2), QM = num(r$QM))
}
add("bcg", bcg$yi, bcg$vi, bcg_n)
add("bcg 1/vi", bcg$yi, bcg$vi, 1 / bcg$vi)
add("bcg ablat", bcg$yi, bcg$vi, bcg_n, mods = bcg$ablat)
add("bcg ablat knha", bcg$yi, bcg$vi, bcg_n, mods = bcg$ablat, test = "knha")
add("hackshaw", hack$yi, hack$vi, 1 / sqrt(hack$vi))
add("hackshaw equal weights", hack$yi, hack$vi, rep(1, nrow(hack)))
add("bcg tau2 fixed", bcg$yi, bcg$vi, bcg_n, tau2 = 0.05)
out <- list(generated_by = "tests/reference/metafor/make_genqm_reference.R",
            metafor = as.character(packageVersion("metafor")),
            CompQuadForm = as.character(packageVersion("CompQuadForm")),
            R = R.version.string, control = ctl, cases = cases)
writeLines(toJSON(out), "tests/reference/metafor/genqm_reference.json")
