# Reference values for control = "metafor": metafor 3.8.1 with its DEFAULT control.
#
#   Rscript tests/reference/metafor/make_control_reference.R   (from the repository root)
#
# writes tests/reference/metafor/control_reference.json: for several metadat data sets and
# seeded random data sets, rma() with method ML, REML, EB, PM and DL and the default control
# (threshold 1e-5, tol .Machine$double.eps^0.25, maxiter 100), its confint() (Q-profile,
# default control), and the same fits with a tight control (the exact roots), so that the
# tests can state the difference between the two modes. Values are written with 17 digits.

suppressMessages(library(metafor))

# A minimal JSON writer with 17 significant digits (NA and NULL as null).
to_json <- function(x) {
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (!is.null(names(x))) {
      return(paste0("{", paste0('"', names(x), '": ', vapply(x, to_json, ""), collapse = ", "), "}"))
    }
    return(paste0("[", paste0(vapply(x, to_json, ""), collapse = ", "), "]"))
  }
  if (is.character(x)) {
    s <- paste0('"', gsub('"', '\\\\"', x), '"')
  } else {
    s <- ifelse(is.na(x), "null", sprintf("%.17g", as.numeric(x)))
  }
  if (length(x) == 1) s else paste0("[", paste0(s, collapse = ", "), "]")
}

methods <- c("ML", "REML", "EB", "PM", "DL")
tight <- list(threshold = 1e-12, maxiter = 10000, tol = 1e-14)

sets <- list()
add <- function(name, yi, vi, mods = NULL) {
  sets[[length(sets) + 1]] <<- list(name = name, yi = as.numeric(yi), vi = as.numeric(vi),
                                    mods = if (is.null(mods)) NULL else as.numeric(mods))
}
d <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
add("bcg", d$yi, d$vi)
add("bcg_ablat", d$yi, d$vi, d$ablat)
add("hackshaw1998", dat.hackshaw1998$yi, dat.hackshaw1998$vi)
d <- escalc(measure = "ZCOR", ri = ri, ni = ni, data = dat.molloy2014)
add("molloy2014", d$yi, d$vi)
d <- escalc(measure = "SMD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i,
            n2i = n2i, data = dat.normand1999)
add("normand1999", d$yi, d$vi)
d <- escalc(measure = "OR", ai = pre.xti, n1i = pre.nti, ci = pre.xci, n2i = pre.nci,
            data = dat.collins1985b)
add("collins1985b", d$yi, d$vi)
d <- escalc(measure = "RD", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.yusuf1985)
d <- d[!is.na(d$yi) & d$vi > 0, ]
add("yusuf1985_rd", d$yi, d$vi)
set.seed(20261202)
for (i in 1:60) {
  k <- sample(3:40, 1)
  vi <- rexp(k) * 10^runif(1, -2, 1)
  tau2 <- c(0, 0.01, 0.1, 0.5, 2)[sample(5, 1)]
  yi <- rnorm(k, 0.3, sqrt(vi + tau2))
  add(sprintf("random%02d", i), yi, vi)
}

fit <- function(s, method, control = list()) {
  args <- list(yi = s$yi, vi = s$vi, method = method, control = control)
  if (!is.null(s$mods)) args$mods <- s$mods
  res <- tryCatch(suppressWarnings(do.call(rma, args)), error = function(e) e)
  if (inherits(res, "error")) return(list(error = conditionMessage(res)))
  ci <- tryCatch(suppressWarnings(confint(res, control = if (length(control)) list(tol = 1e-14) else list())),
                 error = function(e) NULL)
  list(tau2 = res$tau2, se_tau2 = res$se.tau2, beta = as.numeric(res$beta),
       se = as.numeric(res$se), I2 = res$I2, H2 = res$H2, QE = res$QE,
       iterations = if (is.null(res$iter)) NA else res$iter,
       tau2_ci_lb = if (is.null(ci)) NA else ci$random["tau^2", "ci.lb"],
       tau2_ci_ub = if (is.null(ci)) NA else ci$random["tau^2", "ci.ub"])
}

out <- lapply(sets, function(s) {
  s$fits <- lapply(methods, function(m) list(method = m, default = fit(s, m),
                                                 tight = fit(s, m, tight)))
  s
})
# R's uniroot on test functions: every abscissa it evaluates (the last one is f(root)).
fs <- list(cubic = function(x) x^3 - 2 * x - 5, cosine = function(x) cos(x) - x,
           exponential = function(x) exp(x) - 10, flat = function(x) (x - 0.3)^9,
           reciprocal = function(x) 1 / (1 + x) - 0.013)
iv <- list(c(2, 3), c(0, 1), c(0, 100), c(0, 1), c(0, 100))
traces <- lapply(seq_along(fs), function(i) {
  xs <- c()
  g <- function(x) { xs <<- c(xs, x); fs[[i]](x) }
  r <- uniroot(g, iv[[i]], tol = .Machine$double.eps^0.25)
  list(name = names(fs)[i], interval = iv[[i]], xs = xs, root = r$root, iter = r$iter)
})
json <- to_json(list(metafor = as.character(packageVersion("metafor")), sets = out,
                     uniroot = traces))
writeLines(json, "tests/reference/metafor/control_reference.json")
