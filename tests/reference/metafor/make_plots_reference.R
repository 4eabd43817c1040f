# Reference values for alsatlas's diagnostic plots, computed by metafor (3.8-1) over metadat (1.2-0).
#
#   Rscript tests/reference/metafor/make_plots_reference.R   (from the repository root)
#
# writes tests/reference/metafor/plots_reference.json with the coordinates metafor plots:
#   baujat[[case]]   baujat(fit): x (squared Pearson residual / contribution to Q) and y
#                    (influence on the fitted value), per study
#   radial[[case]]   radial(fit, center): x = 1/sqrt(vi + tau2), y = yi/sqrt(vi + tau2)
#   labbe[[case]]    labbe(fit): x (group 2 outcome), y (group 1 outcome), cex (point size)
#   funnel[[case]]   funnel(fit, level = c(90, 95, 99), refline = 0): x, y (yi, sei), and the
#                    contour bounds refline -/+ qnorm(1 - alpha/2) * se over a grid of se
#   gosh[[case]]     gosh(fit) with all subsets: per subset the included studies and
#                    k, QE, I2, H2, tau2, estimate, in metafor's order
# The iterative estimators run with a tight control (threshold 1e-12 for Fisher scoring, tol
# 1e-12 for uniroot), so metafor reports the exact roots (alsatlas iterates to convergence).

suppressMessages(library(metafor))
library(rjson)

args <- commandArgs(trailingOnly = TRUE)
path <- if (length(args) >= 1) args[1] else "tests/reference/metafor/plots_reference.json"
ctl <- list(threshold = 1e-12, maxiter = 10000, tol = 1e-12)
num <- function(x) { x <- as.numeric(x); names(x) <- NULL; x }

bcg <- escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
hack <- dat.hackshaw1998
hine <- escalc("RD", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.hine1989)
egger <- escalc("OR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.egger2001)

data_out <- list(
  bcg = list(yi = num(bcg$yi), vi = num(bcg$vi), ablat = num(bcg$ablat),
             ai = num(dat.bcg$tpos), bi = num(dat.bcg$tneg),
             ci = num(dat.bcg$cpos), di = num(dat.bcg$cneg)),
  hackshaw1998 = list(yi = num(hack$yi), vi = num(hack$vi)),
  hine1989 = list(yi = num(hine$yi), vi = num(hine$vi),
                  ai = num(dat.hine1989$ai), bi = num(dat.hine1989$n1i - dat.hine1989$ai),
                  ci = num(dat.hine1989$ci), di = num(dat.hine1989$n2i - dat.hine1989$ci)),
  egger2001 = list(yi = num(egger$yi), vi = num(egger$vi),
                   ai = num(dat.egger2001$ai), bi = num(dat.egger2001$n1i - dat.egger2001$ai),
                   ci = num(dat.egger2001$ci), di = num(dat.egger2001$n2i - dat.egger2001$ci))
)

pdf(NULL)

baujat_case <- function(fit, data, method, test, mods = "") {
  sav <- baujat(fit)
  list(data = data, method = method, test = test, mods = mods, x = num(sav$x), y = num(sav$y))
}
baujat_out <- list(
  bcg_REML = baujat_case(rma(yi, vi, data = bcg, control = ctl), "bcg", "REML", "z"),
  bcg_DL_knha = baujat_case(rma(yi, vi, data = bcg, method = "DL", test = "knha"),
                            "bcg", "DL", "knha"),
  hackshaw1998_EE = baujat_case(rma(yi, vi, data = hack, method = "EE"),
                                "hackshaw1998", "EE", "z"),
  bcg_ablat_REML = baujat_case(rma(yi, vi, mods = ~ ablat, data = bcg, control = ctl),
                               "bcg", "REML", "z", "ablat"),
  egger2001_PM = baujat_case(rma(yi, vi, data = egger, method = "PM", control = ctl),
                             "egger2001", "PM", "z")
)

radial_case <- function(fit, data, method, center = FALSE) {
  sav <- radial(fit, center = center)
  list(data = data, method = method, center = center, x = num(sav$x), y = num(sav$y))
}
radial_out <- list(
  bcg_REML = radial_case(rma(yi, vi, data = bcg, control = ctl), "bcg", "REML"),
  bcg_REML_center = radial_case(rma(yi, vi, data = bcg, control = ctl), "bcg", "REML", TRUE),
  hackshaw1998_EE = radial_case(rma(yi, vi, data = hack, method = "EE"), "hackshaw1998", "EE"),
  hine1989_DL = radial_case(rma(yi, vi, data = hine, method = "DL"), "hine1989", "DL")
)

labbe_case <- function(measure, data, d, method) {
  fit <- rma(measure = measure, ai = d$ai, bi = d$bi, ci = d$ci, di = d$di, method = method,
             control = ctl)
  sav <- labbe(fit)
  list(data = data, measure = measure, method = method, estimate = num(fit$beta),
       x = num(sav$x), y = num(sav$y), cex = num(sav$cex))
}
labbe_out <- list(
  bcg_OR = labbe_case("OR", "bcg", data_out$bcg, "REML"),
  bcg_RR = labbe_case("RR", "bcg", data_out$bcg, "REML"),
  egger2001_OR = labbe_case("OR", "egger2001", data_out$egger2001, "REML"),
  egger2001_RR = labbe_case("RR", "egger2001", data_out$egger2001, "DL"),
  hine1989_RD = labbe_case("RD", "hine1989", data_out$hine1989, "REML")
)

funnel_case <- function(fit, data, levels) {
  sav <- funnel(fit, level = levels, refline = 0, shade = c("white", "gray55", "gray75"))
  se_max <- max(sqrt(fit$vi))
  grid <- seq(0, 1.1 * se_max, length.out = 5)
  bounds <- lapply(levels, function(l) {
    z <- qnorm((100 - l) / 200, lower.tail = FALSE)
    list(level = l, lower = num(0 - z * grid), upper = num(0 + z * grid))
  })
  list(data = data, levels = levels, x = num(sav$x), y = num(sav$y), se_grid = num(grid),
       contours = bounds)
}
funnel_out <- list(
  bcg = funnel_case(rma(yi, vi, data = bcg, control = ctl), "bcg", c(90, 95, 99)),
  hackshaw1998 = funnel_case(rma(yi, vi, data = hack, method = "EE"), "hackshaw1998",
                             c(90, 95, 99))
)

gosh_case <- function(yi, vi, data, rows, method) {
  fit <- rma(yi[rows], vi[rows], method = method, control = ctl)
  g <- suppressMessages(gosh(fit))
  incl <- apply(unname(g$incl), 1, function(r) paste(as.integer(r), collapse = ""))
  list(data = data, rows = rows, method = method, incl = incl,
       k = num(g$res$k), QE = num(g$res$QE), I2 = num(g$res$I2), H2 = num(g$res$H2),
       tau2 = num(g$res$tau2), estimate = num(g$res$estimate))
}
gosh_out <- list(
  bcg10_REML = gosh_case(bcg$yi, bcg$vi, "bcg", 1:10, "REML"),
  bcg10_DL = gosh_case(bcg$yi, bcg$vi, "bcg", 1:10, "DL"),
  bcg10_EE = gosh_case(bcg$yi, bcg$vi, "bcg", 1:10, "EE"),
  hine1989_REML = gosh_case(hine$yi, hine$vi, "hine1989", 1:6, "REML"),
  egger2001_9_PM = gosh_case(egger$yi, egger$vi, "egger2001", 1:9, "PM")
)

out <- list(
  metafor = as.character(packageVersion("metafor")),
  metadat = as.character(packageVersion("metadat")),
  data = data_out, baujat = baujat_out, radial = radial_out, labbe = labbe_out,
  funnel = funnel_out, gosh = gosh_out
)
# rjson writes 15 significant digits; no value here is NA (checked below)
stopifnot(!any(is.na(unlist(out))))
writeLines(toJSON(out), path)
