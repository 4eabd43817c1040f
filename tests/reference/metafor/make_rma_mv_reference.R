# Reference values for alsatlas.stats.rma_mv (multilevel models with nested random effects),
# computed by metafor (3.8-1) rma.mv() over metadat: random = ~ 1 | outer/inner, REML and ML,
# with and without moderators, tests z and t.
#
#   Rscript tests/reference/metafor/make_rma_mv_reference.R   (from the repository root)
#
# writes tests/reference/metafor/rma_mv_reference.json. metafor maximises the likelihood
# with nlminb at its default settings (tighter rel.tol stops with "did not achieve
# convergence"); on dat.konstantopoulos2011 the optimisers rma.mv offers (nlminb, nlm, optim
# BFGS and Nelder-Mead at tight tolerances) agree on the variance components to 5e-8
# relative, which bounds the precision of these reference values.

suppressMessages(library(metafor))
library(rjson)

num <- function(x) if (is.null(x) || length(x) == 0) NA_real_ else as.numeric(x)
ctl <- list()

k11 <- dat.konstantopoulos2011
a16 <- dat.assink2016
datasets <- list(
  konstantopoulos2011 = list(yi = k11$yi, vi = k11$vi, outer = k11$district,
                             inner = k11$school, mods = cbind(k11$year - 1990)),
  assink2016 = list(yi = a16$yi, vi = a16$vi, outer = a16$study, inner = a16$esid,
                    mods = cbind(a16$year, a16$deltype == "overt"))
)

cases <- list()
add <- function(name, dname, method, test = "z", use_mods = FALSE) {
  d <- datasets[[dname]]
  outer <- d$outer; inner <- d$inner
  args <- list(yi = d$yi, V = d$vi, random = ~ 1 | outer/inner, method = method,
               test = test, control = ctl)
  if (use_mods) args$mods <- d$mods
  res <- suppressWarnings(do.call(rma.mv, args))
  fs <- res$fit.stats
  cases[[length(cases) + 1]] <<- list(name = name, dataset = dname, method = method,
    test = test, mods = use_mods, beta = num(res$beta), se = num(res$se),
    zval = num(res$zval), pval = num(res$pval), ci_lb = num(res$ci.lb),
    ci_ub = num(res$ci.ub), sigma2 = num(res$sigma2), s_nlevels = num(res$s.nlevels),
    QE = num(res$QE), QEp = num(res$QEp), QM = num(res$QM), QMp = num(res$QMp),
    fit_ML = num(fs[, "ML"]), fit_REML = num(fs[, "REML"]), parms = res$parms,
    logLik = num(logLik(res)), pred = num(predict(res)$pred)[1],
    pi_lb = num(predict(res)$pi.lb)[1], pi_ub = num(predict(res)$pi.ub)[1])
}
for (dn in names(datasets)) {
  for (m in c("REML", "ML")) {
    add(paste(dn, m), dn, m)
    add(paste(dn, m, "mods"), dn, m, use_mods = TRUE)
  }
  add(paste(dn, "REML t mods"), dn, "REML", "t", use_mods = TRUE)
}

ds_out <- lapply(datasets, function(d) list(yi = num(d$yi), vi = num(d$vi),
  outer = as.character(d$outer), inner = as.character(d$inner),
  mods = lapply(seq_len(nrow(d$mods)), function(i) unname(as.numeric(d$mods[i, ])))))
out <- list(generated_by = "tests/reference/metafor/make_rma_mv_reference.R",
            metafor = as.character(packageVersion("metafor")),
            metadat = as.character(packageVersion("metadat")), R = R.version.string,
            datasets = ds_out, cases = cases)
writeLines(toJSON(out), "tests/reference/metafor/rma_mv_reference.json")
