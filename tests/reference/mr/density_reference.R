# Argmax of base R's weighted density() on random inputs, for the grid emulation in
# alsatlas.genetics.mr.density. Run with R 4.2: Rscript density_reference.R > density_reference_r4.2.csv
# Each line: bandwidth, k data values, k weights, argmax (%.15g).
set.seed(1)
for (r in 1:20) {
  k <- 5 + r
  x <- rnorm(k, 0.3, 0.4)
  w <- runif(k); w <- w / sum(w)
  h <- 0.05 + 0.01 * r
  d <- density(x, weights = w, bw = h)
  cat(paste(sprintf("%.17g", c(h, x, w)), collapse = ","), sprintf("%.15g", d$x[d$y == max(d$y)][1]), sep = ",")
  cat("\n")
}
