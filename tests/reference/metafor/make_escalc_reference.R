# Reference values for alsatlas.stats escalc measures (AS, MD, SMD, SMDH, ROM, COR, ZCOR,
# PR, PLO, PAS, IR, IRLN, IRR), rma.mh, rma.peto, cumul, fsn and trimfill (Q0), computed by
# metafor 3.8-1 over metadat, and for conv.fivenum (which metafor 3.8 does not have) by the
# function as shipped in metafor's own source, sourced unchanged:
#
#   Rscript tests/reference/metafor/make_escalc_reference.R /path/to/metafor/R
#
# where /path/to/metafor/R is the R/ folder of a metafor source tree with conv.fivenum.r
# (the values committed were made from wviechtb/metafor at commit 71ae8f5, version 5.1-12).
# Writes tests/reference/metafor/escalc_reference.json.

suppressMessages(library(metafor))

# minimal JSON writer (no JSON package needed): numbers with 17 significant digits, NA and
# non-finite values as null, length-1 vectors as scalars, named lists as objects
to_json <- function(x) {
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (!is.null(names(x))) {
      items <- vapply(names(x), function(n) paste0("\"", n, "\":", to_json(x[[n]])), "")
      return(paste0("{", paste(items, collapse = ","), "}"))
    }
    return(paste0("[", paste(vapply(x, to_json, ""), collapse = ","), "]"))
  }
  if (is.factor(x)) x <- as.character(x)
  one <- function(v) {
    if (is.na(v)) return("null")
    if (is.logical(v)) return(if (v) "true" else "false")
    if (is.character(v)) return(paste0("\"", gsub("\"", "\\\\\"", v), "\""))
    if (!is.finite(v)) return("null")
    sprintf("%.17g", v)
  }
  vals <- vapply(seq_along(x), function(i) one(x[[i]]), "")
  if (length(x) == 1) vals else paste0("[", paste(vals, collapse = ","), "]")
}

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) stop("usage: make_escalc_reference.R /path/to/metafor/R")
src <- args[1]

num <- function(x) if (is.null(x) || length(x) == 0) NA_real_ else as.numeric(x)

# ---------------------------------------------------------------- escalc
esc <- list()
add_esc <- function(name, inputs, ...) {
  extra <- list(...)
  r <- suppressWarnings(do.call(escalc, c(extra, inputs)))
  esc[[length(esc) + 1]] <<- c(list(name = name, inputs = inputs),
                               extra[setdiff(names(extra), character(0))],
                               list(yi = num(r$yi), vi = num(r$vi)))
}
nm <- dat.normand1999
means <- list(m1i = nm$m1i, sd1i = nm$sd1i, n1i = nm$n1i, m2i = nm$m2i, sd2i = nm$sd2i,
              n2i = nm$n2i)
for (v in c("LS", "UB", "HO")) add_esc("normand1999", means, measure = "MD", vtype = v)
for (v in c("LS", "UB", "LS2", "AV")) add_esc("normand1999", means, measure = "SMD", vtype = v)
for (v in c("LS", "LS2")) add_esc("normand1999", means, measure = "SMDH", vtype = v)
for (v in c("LS", "HO", "AV", "AVHO")) add_esc("normand1999", means, measure = "ROM", vtype = v)
small <- list(m1i = c(10, 3.2, 7), sd1i = c(2, 1.1, 0.5), n1i = c(3, 2, 40),
              m2i = c(8, 3.9, 6.5), sd2i = c(2.5, 0.7, 0.9), n2i = c(2, 3, 35))
for (m in c("SMD", "SMDH")) add_esc("small groups", small, measure = m)

mo <- dat.molloy2014
for (v in c("LS", "AV")) add_esc("molloy2014", list(ri = mo$ri, ni = mo$ni), measure = "COR", vtype = v)
add_esc("molloy2014", list(ri = mo$ri, ni = mo$ni), measure = "ZCOR")

pr <- dat.pritz1997
prop <- list(xi = pr$xi, ni = pr$ni)
for (v in c("LS", "UB", "AV")) add_esc("pritz1997", prop, measure = "PR", vtype = v)
for (v in c("LS", "AV")) add_esc("pritz1997", prop, measure = "PLO", vtype = v)
add_esc("pritz1997", prop, measure = "PAS")
edge <- list(xi = c(0, 5, 10, 3), ni = c(10, 10, 10, 12))
for (m in c("PR", "PLO", "PAS")) add_esc("zero and all events", edge, measure = m)
add_esc("zero and all events", edge, measure = "PLO", add = 1, to = "all")
add_esc("zero and all events", edge, measure = "PR", to = "if0all")
add_esc("zero and all events", edge, measure = "PAS", add = 0.5)

ha <- dat.hart1999
add_esc("hart1999", list(x1i = ha$x1i, t1i = ha$t1i, x2i = ha$x2i, t2i = ha$t2i), measure = "IRR")
for (m in c("IR", "IRLN")) add_esc("hart1999", list(xi = ha$x1i, ti = ha$t1i), measure = m)
rz <- list(x1i = c(0, 3, 0, 7), t1i = c(100, 80, 50, 200), x2i = c(2, 0, 0, 9),
           t2i = c(90, 85, 60, 210))
add_esc("zero counts", rz, measure = "IRR")
add_esc("zero counts", rz, measure = "IRR", to = "all")
add_esc("zero counts", rz, measure = "IRR", drop00 = TRUE)
add_esc("zero counts", list(xi = rz$x1i, ti = rz$t1i), measure = "IRLN")
add_esc("zero counts", list(xi = rz$x1i, ti = rz$t1i), measure = "IR", to = "if0all")

bcg <- dat.bcg
cells <- list(ai = bcg$tpos, bi = bcg$tneg, ci = bcg$cpos, di = bcg$cneg)
add_esc("bcg", cells, measure = "AS")
zc <- list(ai = c(0, 3, 0, 12, 5), bi = c(20, 17, 25, 0, 15),
           ci = c(2, 0, 0, 10, 5), di = c(18, 20, 25, 0, 15))
add_esc("zero cells", zc, measure = "AS")
add_esc("zero cells", zc, measure = "AS", add = 0.5)
for (m in c("OR", "RR", "RD", "PETO")) add_esc("zero cells", zc, measure = m)

# ---------------------------------------------------------------- rma.mh / rma.peto
pool <- function(res) {
  f <- function(x) num(x)
  list(beta = f(res$beta), se = f(res$se), zval = f(res$zval), pval = f(res$pval),
       ci_lb = f(res$ci.lb), ci_ub = f(res$ci.ub), QE = f(res$QE), QEp = f(res$QEp),
       I2 = f(res$I2), H2 = f(res$H2), k = res$k, k_yi = res$k.yi,
       CO = f(res$CO), COp = f(res$COp), MH = f(res$MH), MHp = f(res$MHp),
       BD = f(res$BD), BDp = f(res$BDp), TA = f(res$TA), TAp = f(res$TAp), k_pos = f(res$k.pos))
}
co <- dat.collins1985a
co <- co[!is.na(co$d.xti) & !is.na(co$d.xci), ]
yu <- dat.yusuf1985
yu <- yu[yu$table == "9" & !is.na(yu$ai) & !is.na(yu$ci), ]
tables <- list(
  bcg = cells,
  collins1985a = list(ai = co$d.xti, n1i = co$nti, ci = co$d.xci, n2i = co$nci),
  yusuf1985_table9 = list(ai = yu$ai, n1i = yu$n1i, ci = yu$ci, n2i = yu$n2i),
  zero_cells = zc
)
mh <- list()
for (name in names(tables)) {
  for (m in c("OR", "RR", "RD")) {
    for (corr in c(TRUE, FALSE)) {
      r <- suppressWarnings(do.call(rma.mh, c(tables[[name]], list(measure = m, correct = corr))))
      mh[[length(mh) + 1]] <- c(list(name = name, method = "MH", measure = m, correct = corr,
                                     inputs = tables[[name]]), pool(r))
    }
  }
  r <- suppressWarnings(do.call(rma.peto, tables[[name]]))
  mh[[length(mh) + 1]] <- c(list(name = name, method = "PETO", measure = "PETO",
                                 inputs = tables[[name]]), pool(r))
}
r <- suppressWarnings(rma.mh(ai = zc$ai, bi = zc$bi, ci = zc$ci, di = zc$di, add = c(0.5, 0.5),
                             to = c("only0", "only0"), drop00 = c(TRUE, TRUE)))
mh[[length(mh) + 1]] <- c(list(name = "zero_cells", method = "MH", measure = "OR", correct = TRUE,
                               add = c(0.5, 0.5), to = c("only0", "only0"), drop00 = c(TRUE, TRUE),
                               inputs = zc), pool(r))
irr <- list(hart1999 = list(x1i = ha$x1i, t1i = ha$t1i, x2i = ha$x2i, t2i = ha$t2i), zero_counts = rz)
for (name in names(irr)) {
  r <- suppressWarnings(do.call(rma.mh, c(irr[[name]], list(measure = "IRR"))))
  mh[[length(mh) + 1]] <- c(list(name = name, method = "MH", measure = "IRR", correct = TRUE,
                                 inputs = irr[[name]]), pool(r))
}

# ---------------------------------------------------------------- cumul
cu <- list()
dat <- escalc("OR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = bcg)
cum_out <- function(x) list(estimate = num(x$estimate), se = num(x$se),
                            zval = num(if (is.null(x$zval)) x$tval else x$zval),
                            pval = num(if (is.null(x$pvals)) x$pval else x$pvals),
                            ci_lb = num(x$ci.lb), ci_ub = num(x$ci.ub), Q = num(x$Q),
                            Qp = num(x$Qp), tau2 = num(x$tau2), I2 = num(x$I2), H2 = num(x$H2))
ctl <- list(threshold = 1e-10, maxiter = 10000, tol = 1e-12)
for (method in c("REML", "DL", "EE")) {
  for (test in c("z", "knha")) {
    r <- suppressWarnings(rma(yi, vi, data = dat, method = method, test = test, control = ctl))
    cu[[length(cu) + 1]] <- c(list(name = "bcg", kind = "rma", method = method, test = test,
                                   order = "year", yi = num(dat$yi), vi = num(dat$vi),
                                   key = bcg$year),
                              cum_out(suppressWarnings(cumul(r, order = bcg$year))))
  }
}
r <- rma.mh(ai = tpos, bi = tneg, ci = cpos, di = cneg, data = bcg)
cu[[length(cu) + 1]] <- c(list(name = "bcg", kind = "MH", order = "year", inputs = cells,
                               key = bcg$year), cum_out(suppressWarnings(cumul(r, order = bcg$year))))
r <- rma.mh(x1i = x1i, t1i = t1i, x2i = x2i, t2i = t2i, data = ha, measure = "IRR")
cu[[length(cu) + 1]] <- c(list(name = "hart1999", kind = "MH", measure = "IRR", order = "year",
                               inputs = list(x1i = ha$x1i, t1i = ha$t1i, x2i = ha$x2i, t2i = ha$t2i),
                               key = ha$year),
                          cum_out(suppressWarnings(cumul(r, order = ha$year))))
r <- rma.peto(ai = tpos, bi = tneg, ci = cpos, di = cneg, data = bcg)
cu[[length(cu) + 1]] <- c(list(name = "bcg", kind = "PETO", order = "input", inputs = cells),
                          cum_out(suppressWarnings(cumul(r))))

# ---------------------------------------------------------------- fsn
fs <- list()
smd <- escalc("SMD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i, data = nm)
for (d in list(list(name = "bcg", yi = num(dat$yi), vi = num(dat$vi)),
               list(name = "normand1999_smd", yi = num(smd$yi), vi = num(smd$vi)))) {
  specs <- list(list(type = "Rosenthal"), list(type = "Rosenthal", alpha = 0.01),
                list(type = "Orwin"), list(type = "Orwin", weighted = TRUE),
                list(type = "Orwin", target = -0.2), list(type = "Rosenberg"))
  for (s in specs) {
    r <- do.call(fsn, c(list(yi = d$yi, vi = d$vi), s))
    fs[[length(fs) + 1]] <- c(list(name = d$name, yi = d$yi, vi = d$vi, type = s$type, spec = s),
                              list(fsnum = num(r$fsnum), pval = num(r$pval),
                                   meanes = num(r$meanes), target = num(r$target)))
  }
}

# ---------------------------------------------------------------- trimfill Q0 (and L0, R0)
tf <- list()
hk <- dat.hackshaw1998
tfsets <- list(bcg = list(yi = num(dat$yi), vi = num(dat$vi)),
               hackshaw1998 = list(yi = hk$yi, vi = hk$vi),
               normand1999_smd = list(yi = num(smd$yi), vi = num(smd$vi)))
for (name in names(tfsets)) {
  for (method in c("REML", "EE", "DL")) {
    for (est in c("Q0", "L0", "R0")) {
      for (side in list(NULL, "left", "right")) {
        r0 <- rma(tfsets[[name]]$yi, tfsets[[name]]$vi, method = method, control = ctl)
        a <- list(r0, estimator = est, control = ctl)
        if (!is.null(side)) a$side <- side
        r <- tryCatch(suppressWarnings(do.call(trimfill, a)), error = function(e) e)
        out <- list(name = name, method = method, estimator = est,
                    side_given = if (is.null(side)) NA else side,
                    yi = tfsets[[name]]$yi, vi = tfsets[[name]]$vi)
        if (inherits(r, "error")) {
          out$error <- conditionMessage(r)
        } else {
          out <- c(out, list(k0 = r$k0, se_k0 = num(r$se.k0), side = r$side,
                             beta = num(r$beta), se = num(r$se), tau2 = num(r$tau2),
                             yi_filled = num(r$yi), vi_filled = num(r$vi)))
        }
        tf[[length(tf) + 1]] <- out
      }
    }
  }
}

# ---------------------------------------------------------------- conv.fivenum (source)
env <- new.env(parent = asNamespace("metafor"))
for (f in c("misc.func.hidden.r", "mfopt.r", "replmiss.r",
            "conv.fivenum.r")) {
  sys.source(file.path(src, f), envir = env)
}
fv <- list()
five <- data.frame(min = c(2, NA, 2, NA, 1, 10, 0.5, 3, NA, 2),
                   q1 = c(NA, 4, 4, NA, 2, 14, 1.2, NA, 5, 4),
                   median = c(6, 6, 6, NA, 3, 15, 2.0, 7, NA, 5),
                   q3 = c(NA, 10, 10, NA, 9, 16, 3.1, NA, 9, 6),
                   max = c(14, NA, 14, NA, 30, 19, 6.0, 12, NA, 8),
                   n = c(20, 20, 20, 20, 50, 120, 35, 4, 60, 15))
runs <- list(list("luo/wan/shi", "norm"), list("luo/wan/shi", "lnorm"), list("wan2014", "norm"),
             list("hozo2005", "norm"), list("bland2015", "norm"),
             list(c("luo2016", "shi2020"), "norm"), list(c("wan2014", "bland2015"), "norm"))
for (run in runs) {
  for (test in c(TRUE, FALSE)) {
    method <- run[[1]]
    dist <- run[[2]]
    r <- suppressWarnings(env$conv.fivenum(min = min, q1 = q1, median = median, q3 = q3,
                                           max = max, n = n, data = five, dist = dist,
                                           test = test, method = method))
    fv[[length(fv) + 1]] <- list(method = as.list(method), dist = dist, test = test,
                                 inputs = as.list(five),
                                 mean = num(r$mean), sd = num(r$sd),
                                 tval = num(attr(r$mean, "tval")),
                                 crit = num(attr(r$mean, "crit")),
                                 sig = as.logical(attr(r$mean, "sig")))
  }
}

out <- list(
  metafor = as.character(packageVersion("metafor")),
  metadat = as.character(packageVersion("metadat")),
  conv_fivenum_source = "wviechtb/metafor 71ae8f5ac9befeacc6654ead1b03ff05c065d54d (5.1-12)",
  escalc = esc, pool = mh, cumul = cu, fsn = fs, trimfill = tf, conv_fivenum = fv
)
path <- "tests/reference/metafor/escalc_reference.json"
writeLines(to_json(out), path)
cat("wrote", path, "\n")
