# Reference values for alsatlas.stats inference extras, computed by metafor (3.8-1) over
# metadat: the PMM and GENQ tau^2 estimators, test = "adhoc", a fixed tau2, predict()'s
# pi.type, fit statistics (logLik/deviance/AIC/BIC/AICc), anova() (LRT and Wald btt), btt in
# rma(), rstandard(), ranef(), blup() and permutest() (exact and approximate).
#
#   Rscript tests/reference/metafor/make_inference_reference.R   (from the repository root)
#
# writes tests/reference/metafor/inference_reference.json. Iterative estimators run with
# threshold = tol = 1e-14 so that metafor reports the exact roots. Numbers carry 15
# significant digits (rjson); NA is written as the string "NA".

suppressMessages(library(metafor))
library(rjson)

rows <- function(m) if (is.null(m)) NULL else lapply(seq_len(nrow(m)), function(i) unname(m[i, ]))

ctl <- list(threshold = 1e-14, maxiter = 100000, tol = 1e-14)
num <- function(x) if (is.null(x) || length(x) == 0) NA_real_ else as.numeric(x)

bcg <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
bcg_n <- with(dat.bcg, tpos + tneg + cpos + cneg)
hack <- dat.hackshaw1998
datasets <- list(
  bcg = list(yi = bcg$yi, vi = bcg$vi, mods = NULL, weights = bcg_n / 1000),
  bcg_ablat = list(yi = bcg$yi, vi = bcg$vi, mods = cbind(bcg$ablat),
                   weights = bcg_n / 1000, newmods = c(10, 30, 50)),
  bcg_ablat_year = list(yi = bcg$yi, vi = bcg$vi, mods = cbind(bcg$ablat, bcg$year),
                        weights = bcg_n / 1000, newmods = rbind(c(10, 1950), c(40, 1970))),
  hackshaw = list(yi = hack$yi, vi = hack$vi, mods = NULL, weights = 1 / sqrt(hack$vi))
)

fit <- function(d, method, test = "z", tau2 = NULL, weights = NULL, btt = NULL, level = 95) {
  args <- list(yi = d$yi, vi = d$vi, method = method, test = test, control = ctl,
               level = level)
  if (!is.null(d$mods)) args$mods <- d$mods
  if (!is.null(tau2)) args$tau2 <- tau2
  if (!is.null(weights)) args$weights <- weights
  if (!is.null(btt)) args$btt <- btt
  do.call(rma, args)
}

describe <- function(res, d) {
  out <- list(k = res$k, p = res$p, beta = num(res$beta), se = num(res$se),
              zval = num(res$zval), pval = num(res$pval), ci_lb = num(res$ci.lb),
              ci_ub = num(res$ci.ub), tau2 = num(res$tau2), se_tau2 = num(res$se.tau2),
              I2 = num(res$I2), H2 = num(res$H2), QE = num(res$QE), QM = num(res$QM),
              QMp = num(res$QMp), R2 = num(res$R2), parms = res$parms)
  fs <- res$fit.stats
  out$fit_ML <- num(fs[, "ML"])
  out$fit_REML <- num(fs[, "REML"])
  out$logLik <- num(logLik(res))
  out$deviance <- num(deviance(res))
  out$AIC <- num(AIC(res))
  out$BIC <- num(BIC(res))
  for (pt in c("default", "simple", "t", "riley")) {
    pr <- if (is.null(d$mods)) predict(res, pi.type = pt)
          else predict(res, newmods = d$newmods, pi.type = pt)
    out[[paste0("pred_", pt)]] <- list(pred = num(pr$pred), se = num(pr$se),
      ci_lb = num(pr$ci.lb), ci_ub = num(pr$ci.ub), pi_lb = num(pr$pi.lb),
      pi_ub = num(pr$pi.ub))
  }
  rs <- rstandard(res)
  out$rstandard <- list(resid = num(rs$resid), se = num(rs$se), z = num(rs$z))
  if (is.null(res$weights) && !is.element(res$method, c("EE", "FE"))) {
    rc <- rstandard(res, type = "conditional")
    out$rstandard_conditional <- list(resid = num(rc$resid), se = num(rc$se), z = num(rc$z))
    b <- blup(res)
    out$blup <- list(pred = num(b$pred), se = num(b$se), pi_lb = num(b$pi.lb),
                     pi_ub = num(b$pi.ub))
    r <- ranef(res)
    out$ranef <- list(pred = num(r$pred), se = num(r$se), pi_lb = num(r$pi.lb),
                      pi_ub = num(r$pi.ub))
  }
  out
}

cases <- list()
add <- function(name, dname, method, test = "z", tau2 = NULL, use_weights = FALSE,
                btt = NULL) {
  d <- datasets[[dname]]
  res <- tryCatch(suppressWarnings(fit(d, method, test, tau2,
                                       if (use_weights) d$weights else NULL, btt)),
                  error = function(e) e)
  case <- list(name = name, dataset = dname, method = method, test = test,
               tau2_fixed = if (is.null(tau2)) NA_real_ else tau2, weights = use_weights,
               btt = if (is.null(btt)) NA_integer_ else as.integer(btt - 1))
  if (inherits(res, "error")) case$error <- conditionMessage(res)
  else case$result <- describe(res, d)
  cases[[length(cases) + 1]] <<- case
}

for (dn in names(datasets)) {
  for (te in c("z", "t", "knha", "adhoc")) {
    add(paste(dn, "PMM", te), dn, "PMM", te)
    add(paste(dn, "GENQ", te), dn, "GENQ", te, use_weights = TRUE)
    add(paste(dn, "REML", te), dn, "REML", te)
  }
  for (m in c("EE", "DL", "HE", "HS", "HSk", "SJ", "ML", "REML", "EB", "PM", "PMM")) {
    add(paste(dn, m, "tau2=0.05"), dn, m, "z", tau2 = 0.05)
  }
  add(paste(dn, "GENQ tau2=0.05"), dn, "GENQ", "knha", tau2 = 0.05, use_weights = TRUE)
  add(paste(dn, "ML"), dn, "ML")
  add(paste(dn, "EE"), dn, "EE")
  add(paste(dn, "DL weights"), dn, "DL", "z", use_weights = TRUE)
  add(paste(dn, "REML level 90 adhoc"), dn, "REML", "adhoc")
}
add("bcg_ablat_year REML btt=3", "bcg_ablat_year", "REML", "z", btt = 3)
add("bcg_ablat_year REML knha btt=2:3", "bcg_ablat_year", "REML", "knha", btt = 2:3)
add("bcg_ablat_year REML btt=1,3", "bcg_ablat_year", "REML", "t", btt = c(1, 3))

# anova: LRTs and Wald tests
anovas <- list()
lrt_case <- function(name, m1, m2, refit = FALSE) {
  a <- suppressWarnings(anova(m1, m2, refit = refit))
  anovas[[length(anovas) + 1]] <<- list(name = name, type = "LRT",
    fit_f = num(a$fit.stats.f), fit_r = num(a$fit.stats.r), parms_f = a$parms.f,
    parms_r = a$parms.r, LRT = num(a$LRT), pval = num(a$pval), QE_f = num(a$QE.f),
    QE_r = num(a$QE.r), tau2_f = num(a$tau2.f), tau2_r = num(a$tau2.r), R2 = num(a$R2))
}
b0 <- datasets$bcg; b1 <- datasets$bcg_ablat; b2 <- datasets$bcg_ablat_year
lrt_case("ML int vs ablat", fit(b0, "ML"), fit(b1, "ML"))
lrt_case("ML ablat+year vs ablat", fit(b2, "ML"), fit(b1, "ML"))
lrt_case("REML refit int vs ablat+year", fit(b0, "REML"), fit(b2, "REML"), refit = TRUE)
lrt_case("REML vs EE same X", fit(b1, "REML"), fit(b1, "EE"))
lrt_case("EE int vs ablat", fit(b0, "EE"), fit(b1, "EE"))
lrt_case("REML vs tau2 fixed 0.1", fit(b1, "REML"), fit(b1, "REML", tau2 = 0.1))
wald_case <- function(name, res, btt) {
  a <- anova(res, btt = btt)
  anovas[[length(anovas) + 1]] <<- list(name = name, type = "Wald",
    btt = as.integer(btt - 1), QM = num(a$QM), QMp = num(a$QMp), QMdf = num(a$QMdf))
}
wald_case("REML z btt 2:3", fit(b2, "REML"), 2:3)
wald_case("REML knha btt 3", fit(b2, "REML", "knha"), 3)
wald_case("DL adhoc btt 1:2", fit(b2, "DL", "adhoc"), 1:2)

# permutation tests
perms <- list()
perm_case <- function(name, d, method, test, exact, iter = 1000, seed = NULL) {
  res <- fit(d, method, test)
  args <- list(res, exact = exact, iter = iter, progbar = FALSE)
  if (!is.null(seed)) args$seed <- seed
  pt <- suppressWarnings(do.call(permutest, args))
  perms[[length(perms) + 1]] <<- list(name = name, yi = num(d$yi), vi = num(d$vi),
    mods = rows(d$mods), method = method, test = test,
    exact = exact, iter = iter, pval = num(pt$pval), QMp = num(pt$QMp),
    n_perm = length(pt$QM.perm))
}
sub8 <- list(yi = bcg$yi[1:8], vi = bcg$vi[1:8], mods = NULL)
sub7 <- list(yi = bcg$yi[1:7], vi = bcg$vi[1:7], mods = cbind(bcg$ablat[1:7]))
hk <- list(yi = hack$yi[1:9], vi = hack$vi[1:9], mods = NULL)
perm_case("bcg[1:8] REML z exact", sub8, "REML", "z", TRUE)
perm_case("bcg[1:8] DL knha exact", sub8, "DL", "knha", TRUE)
perm_case("hackshaw[1:9] PM t exact", hk, "PM", "t", TRUE)
perm_case("bcg[1:7] ablat REML z exact", sub7, "REML", "z", TRUE)
perm_case("bcg[1:7] ablat DL knha exact", sub7, "DL", "knha", TRUE)
perm_case("bcg ablat REML z approx", b1, "REML", "z", FALSE, iter = 5000, seed = 1234)
perm_case("bcg REML knha approx", b0, "REML", "knha", FALSE, iter = 5000, seed = 1234)

ds_out <- lapply(datasets, function(d) list(yi = num(d$yi), vi = num(d$vi),
  mods = rows(d$mods), weights = num(d$weights),
  newmods = if (is.null(d$newmods)) NULL else rows(rbind(d$newmods))))
ds_out$bcg_ablat$newmods <- rows(matrix(c(10, 30, 50), ncol = 1))

out <- list(generated_by = "tests/reference/metafor/make_inference_reference.R",
            metafor = as.character(packageVersion("metafor")),
            metadat = as.character(packageVersion("metadat")),
            R = R.version.string, control = ctl, datasets = ds_out, cases = cases,
            anova = anovas, permutest = perms)
# rjson writes 15 significant digits and NA as the string "NA".
writeLines(toJSON(out),
           "tests/reference/metafor/inference_reference.json")
