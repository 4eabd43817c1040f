# Reference values of R's stats::p.adjust (Benjamini-Hochberg and Bonferroni).
# Run: Rscript tests/reference/p_adjust/p_adjust_reference.R tests/reference/p_adjust/p_adjust_reference.json
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[[1]] else "p_adjust_reference.json"
set.seed(20261202)
cases <- list(
  uniform = runif(50),
  mixed = c(runif(30), 10^-runif(20, 2, 12)),
  ties = c(0.01, 0.01, 0.02, 0.02, 0.02, 0.5, 0.5, 1, 0, 0.04),
  with_na = c(0.001, NA, 0.2, 0.03, NA, 0.8, 0.004),
  single = c(0.03),
  tiny = c(1e-300, 5e-8, 1e-5, 0.049, 0.051)
)
fmt <- function(x) ifelse(is.na(x), "NA", formatC(x, digits = 17, format = "g"))
lines <- c()
for (nm in names(cases)) {
  p <- cases[[nm]]
  lines <- c(lines, sprintf(
    '  "%s": {"p": [%s], "BH": [%s], "bonferroni": [%s]}', nm,
    paste(fmt(p), collapse = ", "),
    paste(fmt(p.adjust(p, "BH")), collapse = ", "),
    paste(fmt(p.adjust(p, "bonferroni")), collapse = ", ")
  ))
}
body <- paste0("{\n", paste(lines, collapse = ",\n"), ",\n  \"R\": \"", R.version.string, "\"\n}\n")
body <- gsub("NA", "null", body, fixed = TRUE)
writeLines(body, out, sep = "")
