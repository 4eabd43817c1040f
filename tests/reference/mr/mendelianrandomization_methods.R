# Reference values for the MR methods added from MendelianRandomization 0.10.0, MRcML (as
# copied into MendelianRandomization), TwoSampleMR (mr_sign) and MVMR (strength_mvmr).
# The packages cannot be installed here (CRAN unreachable), so their R sources are sourced
# UNCHANGED from local copies of the public repositories given as arguments:
#   Rscript mendelianrandomization_methods.R <MendelianRandomization>/R <TwoSampleMR>/R <MVMR>/R \
#     > mendelianrandomization_methods_r4.2.tsv
# (cran/MendelianRandomization @2e6f8aa "version 0.10.0", MRCIEU/TwoSampleMR @c14776b8,
# WSpiller/MVMR @13a3b37). Needs R >= 4.2 with methods, robustbase, glmnet, quantreg, Matrix,
# numDeriv (Debian r-cran-*). MendelianRandomization's RcppExports.R (compiled multivariable
# cML only) is not sourced; plotly/iterpc/knitr are not needed by the functions called here.
# Output: dataset, method, quantity, value (%.17g), tab-separated.
suppressPackageStartupMessages({
  library(methods); library(robustbase); library(glmnet); library(quantreg)
  library(Matrix); library(numDeriv)
})
args <- commandArgs(TRUE)
mr_dir <- args[1]; tsmr_dir <- args[2]; mvmr_dir <- args[3]
for (f in sort(list.files(mr_dir, pattern = "[.]R$", full.names = TRUE))) {
  if (basename(f) != "RcppExports.R") sys.source(f, envir = globalenv())
}
tsmr <- new.env(); sys.source(file.path(tsmr_dir, "mr.R"), envir = tsmr)
for (f in c("format_function.R", "strength_mvmr.R")) sys.source(file.path(mvmr_dir, f), envir = globalenv())

out <- function(ds, m, q, v) {
  for (i in seq_along(v)) {
    qq <- if (length(v) > 1) paste0(q, "_", i) else q
    cat(ds, "\t", m, "\t", qq, "\t", sprintf("%.17g", as.numeric(v[i])), "\n", sep = "")
  }
}
cat("dataset\tmethod\tquantity\tvalue\n")
ww <- read.csv("waterworth2010_lipids_chd.csv")
ex <- read.delim("twosamplemr_vignette_bmi_ieu-a-2_exposure.tsv", stringsAsFactors = FALSE)
oc <- read.delim("twosamplemr_vignette_chd_ieu-a-7_outcome.tsv", stringsAsFactors = FALSE)
snps <- sort(intersect(ex$SNP, oc$SNP))
ex <- ex[match(snps, ex$SNP), ]; oc <- oc[match(snps, oc$SNP), ]
sets <- list(
  waterworth_ldl_chd = list(bx = ww$ldlc_beta, bxse = ww$ldlc_se, by = ww$chd_logodds,
                            byse = ww$chd_logodds_se, n = 17723),
  twosamplemr_bmi_chd = list(bx = ex$beta.exposure, bxse = ex$se.exposure, by = oc$beta.outcome,
                             byse = oc$se.outcome, n = min(oc$samplesize.outcome))
)
std <- function(ds, m, o) {
  out(ds, m, "b", o@Estimate); out(ds, m, "se", o@StdError)
  out(ds, m, "ci_lb", o@CILower); out(ds, m, "ci_ub", o@CIUpper); out(ds, m, "pval", o@Pvalue)
}
egg <- function(ds, m, o) {
  out(ds, m, "b", o@Estimate); out(ds, m, "se", o@StdError.Est)
  out(ds, m, "ci_lb", o@CILower.Est); out(ds, m, "ci_ub", o@CIUpper.Est)
  out(ds, m, "pval", o@Pvalue.Est)
  out(ds, m, "intercept", o@Intercept); out(ds, m, "intercept_se", o@StdError.Int)
  out(ds, m, "intercept_ci_lb", o@CILower.Int); out(ds, m, "intercept_ci_ub", o@CIUpper.Int)
  out(ds, m, "intercept_pval", o@Pvalue.Int); out(ds, m, "rse", o@RSE)
}
for (ds in names(sets)) {
  d <- sets[[ds]]
  inp <- mr_input(bx = d$bx, bxse = d$bxse, by = d$by, byse = d$byse)
  for (model in c("random", "fixed")) {
    o <- mr_ivw(inp, model = model, penalized = TRUE); std(ds, paste0("ivw_penalized_", model), o)
    o <- mr_ivw(inp, model = model, robust = TRUE); std(ds, paste0("ivw_robust_", model), o)
    out(ds, paste0("ivw_robust_", model), "rse", o@RSE)
    o <- mr_ivw(inp, model = model, robust = TRUE, penalized = TRUE)
    std(ds, paste0("ivw_robust_penalized_", model), o)
  }
  o <- mr_ivw(inp, penalized = TRUE, weights = "delta"); std(ds, "ivw_penalized_delta", o)
  o <- mr_ivw(inp, penalized = TRUE, distribution = "t-dist"); std(ds, "ivw_penalized_t", o)
  for (dist in c("normal", "t-dist")) {
    sfx <- if (dist == "normal") "" else "_t"
    egg(ds, paste0("egger_penalized", sfx), mr_egger(inp, penalized = TRUE, distribution = dist))
    egg(ds, paste0("egger_robust", sfx), mr_egger(inp, robust = TRUE, distribution = dist))
    egg(ds, paste0("egger_robust_penalized", sfx),
        mr_egger(inp, robust = TRUE, penalized = TRUE, distribution = dist))
  }
  for (model in c("random", "fixed")) {
    o <- mr_maxlik(inp, model = model); std(ds, paste0("maxlik_", model), o)
    out(ds, paste0("maxlik_", model), "Q", o@Heter.Stat[1])
  }
  # mr_maxlik's optim (Nelder-Mead from the IVW start, reltol 1e-8) stops short of the optimum
  # (1.6 % on Waterworth). The converged reference minimises the package's own `loglikelihood`
  # to convergence (BFGS, then nlminb, numerical gradients) and applies mr_maxlik's SE formula
  # with the Hessian from numDeriv (Richardson extrapolation).
  k <- length(d$bx)
  f <- function(p) loglikelihood(p, x = d$bx, sigmax = d$bxse, y = d$by, sigmay = d$byse)
  g <- function(p) numDeriv::grad(f, p)
  o <- optim(c(d$bx, sum(d$bx * d$by / d$byse^2) / sum(d$bx^2 / d$byse^2)), f, g,
             method = "BFGS", control = list(reltol = 1e-15, maxit = 100000))
  o <- nlminb(o$par, f, g, control = list(rel.tol = 1e-15, x.tol = 1e-12, eval.max = 10000,
                                          iter.max = 10000))
  v <- solve(numDeriv::hessian(f, o$par))[k + 1, k + 1]
  out(ds, "maxlik_converged", "b", o$par[k + 1])
  out(ds, "maxlik_converged", "se_fixed", sqrt(v))
  out(ds, "maxlik_converged", "se_random", sqrt(v * max(2 * o$objective / (k - 1), 1)))
  out(ds, "maxlik_converged", "Q", 2 * o$objective)
  out(ds, "maxlik_converged", "max_abs_gradient", max(abs(g(o$par))))
  o <- mr_conmix(inp)
  out(ds, "conmix", "b", o@Estimate); out(ds, "conmix", "pval", o@Pvalue)
  out(ds, "conmix", "psi", o@Psi); out(ds, "conmix", "ci_lb", o@CILower)
  out(ds, "conmix", "ci_ub", o@CIUpper); out(ds, "conmix", "n_valid", length(o@Valid))
  out(ds, "conmix", "valid", o@Valid)
  o <- mr_lasso(inp); std(ds, "lasso", o)
  out(ds, "lasso", "lambda", o@Lambda); out(ds, "lasso", "n_valid", o@Valid)
  out(ds, "lasso", "reg_estimate", o@RegEstimate)
  o <- mr_cML(inp, MA = TRUE, DP = FALSE, n = d$n); std(ds, "cml_ma_bic", o)
  o <- mr_cML(inp, MA = FALSE, DP = FALSE, n = d$n); std(ds, "cml_bic", o)
  out(ds, "cml_bic", "invalid", o@BIC_invalid)
  s <- tsmr$mr_sign(d$bx, d$by)
  out(ds, "sign_concordance", "b", s$b); out(ds, "sign_concordance", "pval", s$pval)
  out(ds, "sign_concordance", "nsnp", s$nsnp)
}
# multivariable: Waterworth LDL-c, HDL-c, triglycerides -> CHD
ds <- "waterworth_lipids_chd"
bx <- cbind(ww$ldlc_beta, ww$hdlc_beta, ww$trig_beta)
bxse <- cbind(ww$ldlc_se, ww$hdlc_se, ww$trig_se)
mv <- mr_mvinput(bx = bx, bxse = bxse, by = ww$chd_logodds, byse = ww$chd_logodds_se)
for (model in c("random", "fixed")) {
  for (dist in c("normal", "t-dist")) {
    m <- paste0("mvivw_", model, if (dist == "normal") "" else "_t")
    o <- mr_mvivw(mv, model = model, distribution = dist, nx = 17723); std(ds, m, o)
    out(ds, m, "rse", o@RSE); out(ds, m, "Q", o@Heter.Stat[1]); out(ds, m, "Q_pval", o@Heter.Stat[2])
    out(ds, m, "cond_f", o@CondFstat)
  }
}
cx <- matrix(c(1, -0.1, 0.2, -0.1, 1, -0.3, 0.2, -0.3, 1), 3)
o <- mr_mvivw(mv, nx = c(17723, 16000, 15000), correl.x = cx)
out(ds, "mvivw_condf_correlx", "cond_f", o@CondFstat)
for (dist in c("normal", "t-dist")) {
  for (orient in 1:3) {
    m <- paste0("mvegger_orient", orient, if (dist == "normal") "" else "_t")
    egg(ds, m, mr_mvegger(mv, orientate = orient, distribution = dist))
  }
}
fm <- format_mvmr(BXGs = bx, BYG = ww$chd_logodds, seBXGs = bxse, seBYG = ww$chd_logodds_se,
                  RSID = ww$variant_index)
sf <- suppressWarnings(capture.output(st <- strength_mvmr(fm, gencov = 0)))
out(ds, "strength_mvmr", "f", as.numeric(st[1, ]))
