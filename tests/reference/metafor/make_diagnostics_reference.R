# Reference values for alsatlas's meta-analysis diagnostics, computed by R metafor.
#
#   Rscript tests/reference/metafor/make_diagnostics_reference.R
#
# writes tests/reference/metafor/diagnostics_reference.json (inputs and outputs), so the test
# suite needs no R. Made with R 4.2, metafor 3.8-1 and metadat 1.2-0; numbers are written with
# 15 significant digits. Fisher scoring (REML) runs with control = list(threshold = 1e-12,
# maxiter = 1000), so the values are the converged roots rather than metafor's default stop at
# a change of 1e-5 in tau^2 (alsatlas iterates to convergence).
#
# Contents:
#   datasets[[name]]$yi, $vi         effect sizes as escalc() gives them (NA rows dropped)
#   datasets[[name]]$ranktest        ranktest(fit) (exact = TRUE, as metafor's default)
#   datasets[[name]]$regtest_lm      regtest(fit, model = "lm")  (classic Egger test)
#   datasets[[name]]$fits[[config]]  for config in REML/z, DL/z, REML/knha:
#        fit        rma(yi, vi, method, test)
#        leave1out  leave1out(fit)
#        influence  influence(fit)
#        regtest    regtest(fit)       (model = "rma", predictor = "sei")
#        trimfill   trimfill(fit, estimator = "L0" / "R0", test = test)
#   moderators[[case]]               meta-regressions (REML/z, DL/z, REML/knha): influence(fit)
#                                    and regtest(fit) with the moderators kept in the model
#   escalc[[case]]                   escalc() of 2x2 tables (OR, RR, RD, PETO) with zero cells,
#                                    under the defaults and other add / to / drop00 settings
suppressPackageStartupMessages({
  library(metafor)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
out_file <- if (length(args) >= 1) args[1] else "tests/reference/metafor/diagnostics_reference.json"

num <- function(x) {
  if (is.null(x)) return(NULL)
  x <- as.numeric(x)
  names(x) <- NULL
  x
}

y6 <- dat.yusuf1985[dat.yusuf1985$table == "6", ]
pag <- dat.pagliaro1992[dat.pagliaro1992$trt == "beta-blockers", ]

datasets <- list(
  bcg = function() escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg),
  bcg_k3 = function() escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg[1:3, ]),
  bcg_k4 = function() escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg[1:4, ]),
  hackshaw1998 = function() dat.hackshaw1998[, c("yi", "vi")],
  normand1999 = function() escalc("MD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i, data = dat.normand1999),
  raudenbush1985 = function() dat.raudenbush1985[, c("yi", "vi")],
  molloy2014 = function() escalc("ZCOR", ri = ri, ni = ni, data = dat.molloy2014),
  pritz1997 = function() escalc("PLO", xi = xi, ni = ni, data = dat.pritz1997),
  li2007 = function() escalc("OR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.li2007),
  yusuf1985_t6 = function() escalc("PETO", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = y6),
  linde2005 = function() escalc("RR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.linde2005),
  curtis1998 = function() escalc("ROM", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i, data = dat.curtis1998),
  pagliaro1992_beta = function() escalc("PLO", xi = xi, ni = ni, data = pag),
  colditz1994 = function() escalc("OR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.colditz1994),
  bangertdrowns2004 = function() dat.bangertdrowns2004[, c("yi", "vi")],
  mcdaniel1994 = function() escalc("ZCOR", ri = ri, ni = ni, data = dat.mcdaniel1994),
  lehmann2018 = function() dat.lehmann2018[, c("yi", "vi")],
  fine1993 = function() escalc("OR", ai = e1i, n1i = nei, ci = c1i, n2i = nci, data = dat.fine1993),
  collins1985a = function() escalc("OR", ai = b.xti, n1i = nti, ci = b.xci, n2i = nci, data = dat.collins1985a),
  begg1989 = function() dat.begg1989[, c("yi", "vi")],
  hart1999 = function() escalc("IRR", x1i = x1i, t1i = t1i, x2i = x2i, t2i = t2i, data = dat.hart1999),
  egger2001 = function() escalc("OR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.egger2001),
  nielweise2007 = function() escalc("OR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.nielweise2007),
  hine1989 = function() escalc("RD", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.hine1989),
  laopaiboon2015 = function() escalc("RR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.laopaiboon2015),
  lau1992 = function() escalc("OR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.lau1992),
  graves2010 = function() escalc("RR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.graves2010),
  lee2004 = function() escalc("OR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.lee2004),
  anand1999 = function() escalc("OR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.anand1999),
  damico2009 = function() escalc("OR", ai = xt, n1i = nt, ci = xc, n2i = nc, data = dat.damico2009)
)

ctrl <- list(threshold = 1e-12, maxiter = 1000)
configs <- list(REML_z = c("REML", "z"), DL_z = c("DL", "z"), REML_knha = c("REML", "knha"))

attempt <- function(expr) {
  tryCatch(suppressWarnings(expr), error = function(e) list(error = conditionMessage(e)))
}

fit_values <- function(fit) {
  list(estimate = num(fit$beta), se = num(fit$se), stat = num(fit$zval), pval = num(fit$pval),
       ci_lb = num(fit$ci.lb), ci_ub = num(fit$ci.ub), tau2 = num(fit$tau2), QE = num(fit$QE),
       QEp = num(fit$QEp), I2 = num(fit$I2), H2 = num(fit$H2))
}

leave1out_values <- function(fit) {
  l <- leave1out(fit)
  list(estimate = num(l$estimate), se = num(l$se), stat = num(l[[3]]), pval = num(l$pval),
       ci_lb = num(l$ci.lb), ci_ub = num(l$ci.ub), Q = num(l$Q), Qp = num(l$Qp),
       tau2 = num(l$tau2), I2 = num(l$I2), H2 = num(l$H2))
}

influence_values <- function(fit) {
  inf <- influence(fit)
  list(rstudent = num(inf$inf$rstudent), dffits = num(inf$inf$dffits),
       cook_d = num(inf$inf$cook.d), cov_r = num(inf$inf$cov.r),
       tau2_del = num(inf$inf$tau2.del), QE_del = num(inf$inf$QE.del),
       hat = num(inf$inf$hat), weight = num(inf$inf$weight),
       dfbetas = num(inf$dfbs[[1]]), is_infl = as.logical(inf$is.infl))
}

regtest_values <- function(fit, model) {
  r <- regtest(fit, model = model)
  list(stat = num(r$zval), pval = num(r$pval), ddf = num(r$ddf), est = num(r$est),
       ci_lb = num(r$ci.lb), ci_ub = num(r$ci.ub))
}

trimfill_values <- function(fit, estimator, test) {
  tf <- trimfill(fit, estimator = estimator, test = test, control = ctrl)
  c(list(k0 = num(tf$k0), se_k0 = num(tf$se.k0), side = tf$side, p_k0 = num(tf$p.k0),
         yi = num(tf$yi), vi = num(tf$vi), fill = as.logical(tf$fill)),
    fit_values(tf))
}

ranktest_values <- function(fit) {
  wi <- 1 / fit$vi
  theta <- sum(wi * fit$yi) / sum(wi)
  ystar <- (fit$yi - theta) / sqrt(fit$vi - 1 / sum(wi))
  r <- ranktest(fit)
  list(tau = num(r$tau), pval = num(r$pval),
       ties = any(duplicated(ystar)) || any(duplicated(fit$vi)))
}

result <- list(
  generator = "tests/reference/metafor/make_diagnostics_reference.R",
  R = paste(R.version$major, R.version$minor, sep = "."),
  metafor = as.character(packageVersion("metafor")),
  metadat = as.character(packageVersion("metadat")),
  datasets = list(),
  escalc = list()
)

for (name in names(datasets)) {
  dat <- suppressWarnings(datasets[[name]]())
  keep <- !is.na(dat$yi) & !is.na(dat$vi)
  yi <- num(dat$yi[keep])
  vi <- num(dat$vi[keep])
  entry <- list(yi = yi, vi = vi, measure = if (is.null(attr(dat$yi, "measure"))) "GEN" else attr(dat$yi, "measure"))
  fit0 <- rma(yi, vi, method = "REML", control = ctrl)
  entry$ranktest <- attempt(ranktest_values(fit0))
  entry$regtest_lm <- attempt(regtest_values(fit0, "lm"))
  entry$fits <- list()
  for (cname in names(configs)) {
    method <- configs[[cname]][1]
    test <- configs[[cname]][2]
    fit <- attempt(rma(yi, vi, method = method, test = test, control = ctrl))
    if (!is.null(fit$error)) {
      entry$fits[[cname]] <- list(error = fit$error)
      next
    }
    entry$fits[[cname]] <- list(
      method = method, test = test,
      fit = fit_values(fit),
      leave1out = attempt(leave1out_values(fit)),
      influence = attempt(influence_values(fit)),
      regtest = attempt(regtest_values(fit, "rma")),
      trimfill_L0 = attempt(trimfill_values(fit, "L0", test)),
      trimfill_R0 = attempt(trimfill_values(fit, "R0", test))
    )
  }
  result$datasets[[name]] <- entry
  cat(name, "k =", length(yi), "\n")
}

# --- meta-regressions: influence() and regtest() with moderators --------------------------------
bcg_rr <- escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
mod_cases <- list(
  "bcg ~ ablat" = list(dat = bcg_rr, mods = c("ablat")),
  "bcg ~ ablat + year" = list(dat = bcg_rr, mods = c("ablat", "year")),
  "raudenbush1985 ~ weeks" = list(dat = dat.raudenbush1985, mods = c("weeks")),
  "molloy2014 ~ meanage" = list(dat = escalc("ZCOR", ri = ri, ni = ni, data = dat.molloy2014), mods = c("meanage")),
  "hackshaw1998 ~ year" = list(dat = dat.hackshaw1998, mods = c("year"))
)
result$moderators <- list()
for (cname in names(mod_cases)) {
  case <- mod_cases[[cname]]
  X <- as.matrix(case$dat[, case$mods, drop = FALSE])
  entry <- list(yi = num(case$dat$yi), vi = num(case$dat$vi), mods = lapply(case$mods, function(m) num(case$dat[[m]])), fits = list())
  for (conf in names(configs)) {
    method <- configs[[conf]][1]
    test <- configs[[conf]][2]
    fit <- rma(case$dat$yi, case$dat$vi, mods = X, method = method, test = test, control = ctrl)
    inf <- attempt(influence(fit))
    entry$fits[[conf]] <- list(
      method = method, test = test,
      beta = num(fit$beta),
      influence = if (!is.null(inf$error)) inf else list(
        rstudent = num(inf$inf$rstudent), dffits = num(inf$inf$dffits),
        cook_d = num(inf$inf$cook.d), cov_r = num(inf$inf$cov.r),
        tau2_del = num(inf$inf$tau2.del), QE_del = num(inf$inf$QE.del),
        hat = num(inf$inf$hat), weight = num(inf$inf$weight),
        dfbetas = lapply(unclass(inf$dfbs)[seq_len(fit$p)], num), is_infl = as.logical(inf$is.infl)),
      regtest = attempt(regtest_values(fit, "rma")),
      regtest_lm = attempt(regtest_values(fit, "lm"))
    )
  }
  result$moderators[[cname]] <- entry
  cat(cname, "\n")
}

# --- escalc of 2x2 tables -------------------------------------------------------------------
tables <- list(
  li2007 = with(dat.li2007, list(ai = ai, bi = n1i - ai, ci = ci, di = n2i - ci)),
  nielweise2007 = with(dat.nielweise2007, list(ai = ai, bi = n1i - ai, ci = ci, di = n2i - ci)),
  yusuf1985_t6 = with(y6[!is.na(y6$ai), ], list(ai = ai, bi = n1i - ai, ci = ci, di = n2i - ci)),
  bcg = with(dat.bcg, list(ai = tpos, bi = tneg, ci = cpos, di = cneg)),
  hine1989 = with(dat.hine1989, list(ai = ai, bi = n1i - ai, ci = ci, di = n2i - ci)),
  # hand-made: a zero in each cell, a double-zero study and a study with every event in one arm
  zeros = list(ai = c(0, 3, 0, 5, 12, 4, 0), bi = c(10, 7, 10, 0, 8, 16, 30),
               ci = c(2, 0, 0, 6, 0, 9, 0), di = c(8, 10, 10, 4, 20, 0, 25))
)
settings <- list(
  default = list(add = 1/2, to = "only0", drop00 = FALSE),
  all = list(add = 1/2, to = "all", drop00 = FALSE),
  if0all = list(add = 1/2, to = "if0all", drop00 = FALSE),
  drop00 = list(add = 1/2, to = "only0", drop00 = TRUE),
  add1 = list(add = 1, to = "only0", drop00 = FALSE)
)
for (tname in names(tables)) {
  tab <- tables[[tname]]
  cases <- list()
  for (measure in c("OR", "RR", "RD", "PETO")) {
    for (sname in names(settings)) {
      s <- settings[[sname]]
      es <- suppressWarnings(escalc(measure, ai = tab$ai, bi = tab$bi, ci = tab$ci, di = tab$di,
                                    add = s$add, to = s$to, drop00 = s$drop00))
      cases[[length(cases) + 1]] <- list(measure = measure, setting = sname, add = s$add,
                                         to = s$to, drop00 = s$drop00,
                                         yi = num(es$yi), vi = num(es$vi))
    }
  }
  result$escalc[[tname]] <- list(ai = num(tab$ai), bi = num(tab$bi), ci = num(tab$ci),
                                 di = num(tab$di), cases = cases)
}

writeLines(toJSON(result, digits = NA, auto_unbox = TRUE, na = "null", null = "null", pretty = FALSE),
           out_file)
cat("wrote", out_file, "\n")
