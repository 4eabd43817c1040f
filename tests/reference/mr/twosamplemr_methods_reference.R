# Reference values for the TwoSampleMR-side MR methods, from the packages' own R functions,
# sourced unchanged from their public sources (nothing of them is committed here).
#
# Usage, from this folder:
#   Rscript twosamplemr_methods_reference.R TSMR_R_DIR RAPS_R_DIR PSYCH_R_DIR \
#       > twosamplemr_methods_reference_r4.2.json
# where TSMR_R_DIR is the R/ folder of github:MRCIEU/TwoSampleMR (read at commit c14776b8 or
# later), RAPS_R_DIR the R/ folder of github:qingyuanzhao/mr.raps (0.4.2) and PSYCH_R_DIR the
# R/ folder of github:cran/psych (for r.test and fisherz, which TwoSampleMR calls as
# psych::r.test; they are installed unchanged into a temporary package named psych).
#
# rootSolve (used by mr.raps as multiroot) needs a Fortran compiler that this machine lacks,
# so `multiroot` below is a plain Newton iteration with a forward-difference Jacobian (what
# rootSolve::multiroot does) run to machine precision; mr.raps's own code chooses among the
# roots it finds. Every other function is the packages' own.
#
# Data: TwoSampleMR vignette BMI (ieu-a-2) -> CHD (ieu-a-7), 79 variants sorted by rsid, and
# Waterworth 2010 LDL-c -> CHD, 28 variants.
args <- commandArgs(trailingOnly = TRUE)
stopifnot(length(args) == 3)
tsmr <- args[1]; raps <- args[2]; psych_dir <- args[3]
suppressMessages(library(data.table))

lib <- file.path(tempdir(), "lib"); dir.create(lib)
pkg <- file.path(tempdir(), "psych"); dir.create(file.path(pkg, "R"), recursive = TRUE)
writeLines(c("Package: psych", "Version: 0.0.0", "Title: r.test only", "Description: r.test.",
             "License: GPL-2", "Author: x", "Maintainer: x <x@x.x>"), file.path(pkg, "DESCRIPTION"))
writeLines("export(r.test, fisherz)", file.path(pkg, "NAMESPACE"))
invisible(file.copy(file.path(psych_dir, c("r.test.R", "fisherz.R")), file.path(pkg, "R")))
writeLines("r.con <- function(rho, n, p = .95, twotailed = TRUE) NA", file.path(pkg, "R", "rcon.R"))
suppressMessages(install.packages(pkg, repos = NULL, type = "source", lib = lib, quiet = TRUE))
.libPaths(c(lib, .libPaths()))

for (f in c("mr.R", "mr_mode.R", "add_rsq.r", "steiger.R", "steiger_filtering.R")) {
  source(file.path(tsmr, f))
}
for (f in c("core.R", "loss.R", "shrinkage.R")) source(file.path(raps, f))

multiroot <- function(f, start, maxiter = 200, ...) {
  x <- start
  for (i in seq_len(maxiter)) {
    fx <- f(x)
    h <- pmax(abs(x), 1e-8) * 1e-7
    J <- sapply(seq_along(x), function(j) { e <- x; e[j] <- e[j] + h[j]; (f(e) - fx) / h[j] })
    step <- tryCatch(solve(matrix(J, length(x)), fx), error = function(e) rep(NA, length(x)))
    if (any(!is.finite(step))) return(list(root = x, f.root = fx, iter = i, estim.precis = NA))
    x <- x - step
    if (max(abs(step) / pmax(abs(x), 1e-300)) < 1e-15) break
  }
  # polish: Newton steps until the residual stops decreasing
  fx <- f(x)
  list(root = x, f.root = fx, iter = i, estim.precis = mean(abs(fx)))
}

ex <- read.delim("twosamplemr_vignette_bmi_ieu-a-2_exposure.tsv", stringsAsFactors = FALSE)
ou <- read.delim("twosamplemr_vignette_chd_ieu-a-7_outcome.tsv", stringsAsFactors = FALSE)
snps <- sort(intersect(ex$SNP, ou$SNP), method = "radix")
ex <- ex[match(snps, ex$SNP), ]; ou <- ou[match(snps, ou$SNP), ]
ww <- read.csv("waterworth2010_lipids_chd.csv")
sets <- list(
  bmi_chd = list(bx = ex$beta.exposure, bxse = ex$se.exposure, by = ou$beta.outcome,
                 byse = ou$se.outcome),
  waterworth_ldl_chd = list(bx = ww$ldlc_beta, bxse = ww$ldlc_se, by = ww$chd_logodds,
                            byse = ww$chd_logodds_se)
)

res <- list()
for (name in names(sets)) {
  d <- sets[[name]]
  r <- list()
  u <- mr_uwr(d$bx, d$by, d$bxse, d$byse)
  r$uwr <- u[c("b", "se", "pval", "Q", "Q_df", "Q_pval")]
  set.seed(20240601)
  p <- default_parameters(); p$nboot <- 10000
  m <- mr_mode(data.frame(beta.exposure = d$bx, beta.outcome = d$by, se.exposure = d$bxse,
                          se.outcome = d$byse), parameters = p)
  r$mode <- lapply(seq_len(nrow(m)), function(i) as.list(m[i, c("method", "b", "se", "pval")]))
  r$mode_nboot <- p$nboot
  for (od in c(FALSE, TRUE)) for (loss in c("l2", "huber", "tukey")) {
    set.seed(1)
    fit <- suppressWarnings(suppressMessages(mr.raps(
      data.frame(beta.exposure = d$bx, beta.outcome = d$by, se.exposure = d$bxse,
                 se.outcome = d$byse),
      diagnostics = FALSE, over.dispersion = od, loss.function = loss)))
    r[[paste0("raps_", if (od) "od" else "simple", "_", loss)]] <-
      list(beta = fit$beta.hat, se = fit$beta.se, tau2 = fit$tau2.hat, tau2_se = fit$tau2.se)
  }
  res[[name]] <- r
}

# Steiger: r from (p, n) per variant (get_r_from_pn, i.e. qf), directionality (mr_steiger),
# and per-variant filtering (steiger_filtering: add_rsq b/se/n route, then r.test).
h <- data.frame(SNP = snps, id.exposure = "ieu-a-2", id.outcome = "ieu-a-7",
                exposure = "BMI", outcome = "CHD",
                beta.exposure = ex$beta.exposure, se.exposure = ex$se.exposure,
                pval.exposure = ex$pval.exposure, samplesize.exposure = ex$samplesize.exposure,
                eaf.exposure = ex$eaf.exposure,
                beta.outcome = ou$beta.outcome, se.outcome = ou$se.outcome,
                pval.outcome = ou$pval.outcome, samplesize.outcome = ou$samplesize.outcome,
                eaf.outcome = ou$eaf.outcome, stringsAsFactors = FALSE)
st <- suppressMessages(directionality_test(h))
sf <- steiger_filtering(h)
hsd <- h; hsd$units.exposure <- "SD"; hsd$units.outcome <- "SD"
sfsd <- steiger_filtering(hsd)
res$steiger <- list(
  snps = snps,
  pval_exposure = h$pval.exposure, n_exposure = h$samplesize.exposure,
  r_from_pn_exposure = get_r_from_pn(h$pval.exposure, h$samplesize.exposure),
  r_from_pn_outcome = get_r_from_pn(h$pval.outcome, h$samplesize.outcome),
  qf_exposure = qf(h$pval.exposure, 1, h$samplesize.exposure - 1, lower.tail = FALSE),
  directionality = as.list(st[, c("snp_r2.exposure", "snp_r2.outcome",
                                  "correct_causal_direction", "steiger_pval")]),
  filtering_bsen = list(snps = sf$SNP, rsq_exposure = sf$rsq.exposure,
                        rsq_outcome = sf$rsq.outcome, steiger_dir = sf$steiger_dir,
                        steiger_pval = sf$steiger_pval),
  filtering_sd = list(snps = sfsd$SNP, rsq_exposure = sfsd$rsq.exposure,
                      rsq_outcome = sfsd$rsq.outcome, steiger_dir = sfsd$steiger_dir,
                      steiger_pval = sfsd$steiger_pval)
)
res$R <- R.version.string
json <- function(x) {
  if (is.list(x)) {
    if (!is.null(names(x))) {
      return(paste0("{", paste0('"', names(x), '": ', vapply(x, json, ""), collapse = ", "), "}"))
    }
    return(paste0("[", paste(vapply(x, json, ""), collapse = ", "), "]"))
  }
  v <- if (is.logical(x)) ifelse(x, "true", "false") else if (is.numeric(x)) {
    ifelse(is.finite(x), sprintf("%.17g", x), "null")
  } else paste0('"', x, '"')
  if (length(x) == 1) v else paste0("[", paste(v, collapse = ", "), "]")
}
cat(json(res), "\n")
