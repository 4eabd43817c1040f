# Reference values for alsatlas.stats.rma, computed by metafor (3.8-1) over metadat (1.2-0).
#
#   Rscript tests/reference/metafor/make_rma_reference.R   (from the repository root)
#
# writes tests/reference/metafor/rma_reference.json with, for every dataset, the analysed
# yi/vi (and moderators), and for every tau^2 estimator x test the output of rma.uni(),
# predict() and confint() (Q-profile). The iterative estimators are run with a tight control
# (threshold 1e-10 for Fisher scoring, tol 1e-12 for uniroot), so that metafor reports the
# exact roots of the estimating equations rather than values within its default tolerances
# (threshold 1e-5, tol .Machine$double.eps^0.25); confint() likewise uses tol = 1e-12.

suppressMessages(library(metafor))
library(jsonlite)

ctl <- list(threshold = 1e-10, maxiter = 10000, tol = 1e-12)
methods <- c("EE", "FE", "DL", "HE", "HS", "HSk", "SJ", "ML", "REML", "EB", "PM")
tests <- c("z", "t", "knha")

num <- function(x) if (is.null(x) || length(x) == 0) NA_real_ else as.numeric(x)

fit_one <- function(yi, vi, method, test, mods = NULL, weights = NULL, newmods = NULL,
                    level = 95) {
  args <- list(yi = yi, vi = vi, method = method, test = test, control = ctl, level = level)
  if (!is.null(mods)) args$mods <- mods
  if (!is.null(weights)) args$weights <- weights
  res <- tryCatch(suppressWarnings(do.call(rma, args)), error = function(e) e)
  out <- list(method = method, test = test)
  if (inherits(res, "error")) {
    out$error <- conditionMessage(res)
    return(out)
  }
  out$k <- res$k
  out$p <- res$p
  out$beta <- num(res$beta)
  out$se <- num(res$se)
  out$zval <- num(res$zval)
  out$pval <- num(res$pval)
  out$ci_lb <- num(res$ci.lb)
  out$ci_ub <- num(res$ci.ub)
  out$tau2 <- num(res$tau2)
  out$se_tau2 <- num(res$se.tau2)
  out$I2 <- num(res$I2)
  out$H2 <- num(res$H2)
  out$QE <- num(res$QE)
  out$QEp <- num(res$QEp)
  out$QM <- num(res$QM)
  out$QMp <- num(res$QMp)
  out$R2 <- num(res$R2)
  out$weights <- num(weights(res))
  pr <- if (is.null(mods)) predict(res) else predict(res, newmods = newmods)
  out$pred <- num(pr$pred)
  out$pred_se <- num(pr$se)
  out$pred_ci_lb <- num(pr$ci.lb)
  out$pred_ci_ub <- num(pr$ci.ub)
  out$pi_lb <- num(pr$pi.lb)
  out$pi_ub <- num(pr$pi.ub)
  if (!is.element(method, c("EE", "FE"))) {
    ci <- tryCatch(suppressWarnings(confint(res, control = list(tol = 1e-12))),
                   error = function(e) NULL)
    if (!is.null(ci)) {
      out$tau2_ci_lb <- num(ci$random["tau^2", "ci.lb"])
      out$tau2_ci_ub <- num(ci$random["tau^2", "ci.ub"])
      out$I2_ci_lb <- num(ci$random["I^2(%)", "ci.lb"])
      out$I2_ci_ub <- num(ci$random["I^2(%)", "ci.ub"])
      out$H2_ci_lb <- num(ci$random["H^2", "ci.lb"])
      out$H2_ci_ub <- num(ci$random["H^2", "ci.ub"])
    }
  }
  out
}

make_case <- function(name, dat, mods = NULL, weights = NULL, newmods = NULL, level = 95,
                      meths = methods, tsts = tests) {
  keep <- !is.na(dat$yi) & !is.na(dat$vi)
  if (!is.null(mods)) keep <- keep & stats::complete.cases(mods)
  yi <- as.numeric(dat$yi[keep])
  vi <- as.numeric(dat$vi[keep])
  m <- if (is.null(mods)) NULL else as.matrix(mods)[keep, , drop = FALSE]
  w <- if (is.null(weights)) NULL else weights[keep]
  fits <- list()
  for (meth in meths) for (tst in tsts) {
    fits[[length(fits) + 1]] <- fit_one(yi, vi, meth, tst, mods = m, weights = w,
                                        newmods = newmods, level = level)
  }
  case <- list(name = name, yi = yi, vi = vi, level = level, fits = fits)
  if (!is.null(m)) case$mods <- unname(lapply(seq_len(ncol(m)), function(j) m[, j]))
  if (!is.null(newmods)) case$newmods <- unname(as.list(as.data.frame(t(as.matrix(newmods)))))
  if (!is.null(w)) case$weights <- w
  case
}

d <- list()
d$bcg <- escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
d$normand1999 <- escalc("MD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i,
                        n2i = n2i, data = dat.normand1999)
d$hackshaw1998 <- dat.hackshaw1998
d$raudenbush1985 <- dat.raudenbush1985
d$molloy2014 <- escalc("ZCOR", ri = ri, ni = ni, data = dat.molloy2014)
d$pritz1997 <- escalc("PLO", xi = xi, ni = ni, data = dat.pritz1997)
d$li2007 <- escalc("OR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.li2007)
d$yusuf1985_table6 <- escalc("PETO", ai = ai, n1i = n1i, ci = ci, n2i = n2i,
                             data = dat.yusuf1985[dat.yusuf1985$table == "6", ])
d$linde2005 <- escalc("RR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.linde2005)
d$curtis1998 <- escalc("ROM", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i,
                       n2i = n2i, data = dat.curtis1998)
d$konstantopoulos2011 <- dat.konstantopoulos2011
d$pagliaro1992_sclero <- escalc("PLO", xi = xi, ni = ni,
                                data = dat.pagliaro1992[dat.pagliaro1992$trt == "sclerotherapy", ])
d$colditz1994 <- escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.colditz1994)
d$bangertdrowns2004 <- dat.bangertdrowns2004
d$mcdaniel1994 <- escalc("ZCOR", ri = ri, ni = ni, data = dat.mcdaniel1994)
d$lehmann2018 <- dat.lehmann2018
d$fine1993 <- escalc("OR", ai = e1i, n1i = nei, ci = c1i, n2i = nci, data = dat.fine1993)
d$collins1985a <- escalc("OR", ai = b.xti, n1i = nti, ci = b.xci, n2i = nci, data = dat.collins1985a)
d$begg1989 <- dat.begg1989
d$hart1999 <- escalc("IRR", x1i = x1i, t1i = t1i, x2i = x2i, t2i = t2i, data = dat.hart1999)
d$laopaiboon2015 <- escalc("RR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.laopaiboon2015)
d$nielweise2007 <- escalc("OR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.nielweise2007)
d$hine1989 <- escalc("RD", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.hine1989)
d$gibson2002 <- escalc("SMD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i,
                       n2i = n2i, data = dat.gibson2002)
d$egger2001 <- escalc("OR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.egger2001)
d$dorn2007 <- escalc("RR", ai = x.a, n1i = n.a, ci = x.p, n2i = n.p, data = dat.dorn2007)
d$baskerville2012 <- escalc(yi = smd, sei = se, data = dat.baskerville2012)
d$cohen1981 <- escalc("ZCOR", ri = ri, ni = ni, data = dat.cohen1981)
d$lau1992 <- escalc("OR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.lau1992)
# Edge cases: k = 2 and k = 3 (the latter homogeneous: Q < k - 1, so tau^2 = 0 for most).
d$bcg_k2 <- d$bcg[1:2, ]
d$bcg_k3 <- d$bcg[1:3, ]
d$normand1999_k3 <- d$normand1999[4:6, ]
# Extreme ratio of sampling variances (metafor warns; one weight dominates tr(P^2)).
d$extreme_ratio_k2 <- data.frame(yi = c(0, 0), vi = c(1, 134217727))
d$extreme_ratio_k3 <- data.frame(yi = c(0.2, -0.1, 0.4), vi = c(0.01, 5e6, 0.02))

cases <- list()
for (nm in names(d)) cases[[length(cases) + 1]] <- make_case(nm, d[[nm]])

# Meta-regressions.
bcg <- d$bcg
cases[[length(cases) + 1]] <- make_case("bcg ~ ablat", bcg, mods = cbind(ablat = bcg$ablat),
                                        newmods = rbind(c(10), c(40)))
cases[[length(cases) + 1]] <- make_case("bcg ~ ablat + year", bcg,
                                        mods = cbind(bcg$ablat, bcg$year),
                                        newmods = rbind(c(30, 1960)))
r85 <- d$raudenbush1985
cases[[length(cases) + 1]] <- make_case("raudenbush1985 ~ weeks", r85,
                                        mods = cbind(r85$weeks), newmods = rbind(c(0), c(3)))
k11 <- d$konstantopoulos2011
cases[[length(cases) + 1]] <- make_case("konstantopoulos2011 ~ year", k11,
                                        mods = cbind(k11$year - 1990), newmods = rbind(c(0)))
bd <- d$bangertdrowns2004
cases[[length(cases) + 1]] <- make_case("bangertdrowns2004 ~ length + wic", bd,
                                        mods = cbind(bd$length, bd$wic),
                                        newmods = rbind(c(15, 1)))
mo <- d$molloy2014
cases[[length(cases) + 1]] <- make_case("molloy2014 ~ meanage", mo, mods = cbind(mo$meanage),
                                        newmods = rbind(c(70)))
li <- d$linde2005
cases[[length(cases) + 1]] <- make_case("linde2005 ~ duration", li, mods = cbind(li$duration),
                                        newmods = rbind(c(6)))
# A 90% level: CIs, prediction intervals and Q-profile bounds all follow `level`.
cases[[length(cases) + 1]] <- make_case("bcg level 90", bcg, level = 90)
cases[[length(cases) + 1]] <- make_case("bcg ~ ablat level 90", bcg,
                                        mods = cbind(ablat = bcg$ablat),
                                        newmods = rbind(c(10), c(40)), level = 90)
# User weights (weighted least squares with weights other than 1/(vi + tau^2)).
cases[[length(cases) + 1]] <- make_case("bcg weights = n", bcg,
                                        weights = bcg$tpos + bcg$tneg + bcg$cpos + bcg$cneg,
                                        meths = c("EE", "DL", "REML", "PM"))

# Generic inputs: ratio estimates with 95% (and, for a check of `level`, 90%) CIs on the log
# scale, and estimates with standard errors through escalc(yi, sei).
hk <- dat.hackshaw1998
generic <- list(
  ratio_ci = list(
    estimate = hk$or, ci_lb = hk$or.lb, ci_ub = hk$or.ub,
    yi = log(hk$or),
    sei = (log(hk$or.ub) - log(hk$or.lb)) / (2 * qnorm(0.975)),
    sei_90 = (log(hk$or.ub) - log(hk$or.lb)) / (2 * qnorm(0.95))
  ),
  se = list(yi = dat.begg1989$yi, sei = dat.begg1989$sei,
            vi = as.numeric(escalc(yi = dat.begg1989$yi, sei = dat.begg1989$sei)$vi))
)

# Subgroup analyses: separate fits per subgroup, the fixed-effect Q over the subgroup
# estimates (rma(est, sei = se, method = "EE")$QE) and the common-tau^2 moderator model.
subgroup_case <- function(name, dat, g) {
  keep <- !is.na(dat$yi) & !is.na(g)
  yi <- as.numeric(dat$yi[keep]); vi <- as.numeric(dat$vi[keep]); g <- as.character(g[keep])
  lev <- unique(g)
  fits <- list()
  for (meth in c("EE", "DL", "REML", "PM")) for (tst in c("z", "knha")) {
    per <- lapply(lev, function(l) suppressWarnings(
      rma(yi[g == l], vi[g == l], method = meth, test = tst, control = ctl)))
    est <- sapply(per, function(r) c(r$beta)); se <- sapply(per, function(r) r$se)
    qb <- rma(est, sei = se, method = "EE")
    common <- suppressWarnings(rma(yi, vi, mods = ~ factor(g, levels = lev), method = meth,
                                   test = tst, control = ctl))
    fits[[length(fits) + 1]] <- list(
      method = meth, test = tst, estimate = est, se = se,
      tau2 = sapply(per, function(r) r$tau2), k = sapply(per, function(r) r$k),
      Q_between = qb$QE, Q_between_p = qb$QEp,
      common_QM = common$QM, common_QMp = common$QMp, common_tau2 = common$tau2,
      common_beta = c(common$beta), common_se = common$se)
  }
  list(name = name, yi = yi, vi = vi, groups = g, levels = lev, fits = fits)
}
subgroups <- list(
  subgroup_case("bcg by alloc", d$bcg, d$bcg$alloc),
  subgroup_case("raudenbush1985 by tester", d$raudenbush1985, d$raudenbush1985$tester),
  subgroup_case("bangertdrowns2004 by grade", d$bangertdrowns2004, d$bangertdrowns2004$grade),
  subgroup_case("molloy2014 by design", d$molloy2014, d$molloy2014$design),
  subgroup_case("linde2005 by group", d$linde2005, d$linde2005$group)
)

# Hard cases for ML/REML. "oscillating": metafor's default Fisher scoring does not converge
# (its iterates oscillate); with maxiter = 1e5 and threshold 1e-12 it reaches the root.
# "flat": the REML score touches 0 near tau^2 = 0.03 without changing sign, Fisher scoring
# creeps and fails; the maximiser is tau^2 = 0, shown by metafor's log-likelihood on a grid
# of fixed tau^2 values.
hard_ctl <- list(threshold = 1e-12, maxiter = 100000)
osc <- list(
  yi = c(0.45777361, 0.33822584, 0.22318027, -0.14420024, 0.33531708, 0.43347872),
  vi = c(0.03469608, 0.48546685, 0.28287523, 0.02170616, 0.45174202, 0.19761592))
flat <- list(
  yi = c(-0.19599068859583979, -0.86268584345704569, 0.33720868104586843, 0.88196862292817257,
         -0.13967270535986573, -0.4344001102565197, -0.59971195365801244, -0.33078348867416951,
         0.4161802019327312, -0.23192003575970729),
  vi = c(0.017120534187333388, 0.1303898312632677, 0.12095493683264305, 0.14588569435634841,
         0.0193778837712998, 0.041639668489316189, 0.20498100411202166, 0.032573023774946447,
         0.12283069974776482, 0.017893759243017681))
default_fails <- function(yi, vi, method) {
  inherits(try(rma(yi, vi, method = method), silent = TRUE), "try-error")
}
grid <- seq(0, 0.2, by = 0.0025)
hard <- list(
  oscillating = list(
    yi = osc$yi, vi = osc$vi,
    REML = rma(osc$yi, osc$vi, method = "REML", control = hard_ctl)$tau2,
    ML = rma(osc$yi, osc$vi, method = "ML", control = hard_ctl)$tau2,
    REML_default_fails = default_fails(osc$yi, osc$vi, "REML")),
  flat = list(
    yi = flat$yi, vi = flat$vi, grid = grid,
    REML_loglik = sapply(grid, function(t) c(logLik(rma(flat$yi, flat$vi, tau2 = t,
                                                        method = "REML")))),
    REML_default_fails = default_fails(flat$yi, flat$vi, "REML"))
)

out <- list(
  generated_by = "tests/reference/metafor/make_rma_reference.R",
  metafor = as.character(packageVersion("metafor")),
  metadat = as.character(packageVersion("metadat")),
  R = R.version.string,
  control = ctl,
  cases = cases,
  generic = generic,
  subgroups = subgroups,
  hard = hard
)
path <- "tests/reference/metafor/rma_reference.json"
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null", null = "null"), path)
n_fits <- sum(sapply(cases, function(cc) length(cc$fits)))
n_err <- sum(sapply(cases, function(cc) sum(sapply(cc$fits, function(f) !is.null(f$error)))))
cat("wrote", path, ":", length(cases), "cases,", n_fits, "fits,", n_err, "errors\n")
