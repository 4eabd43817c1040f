# Writes the quoted-CSV fixtures of tests/genetics/test_sumstats_quoted.py with R's write.csv
# (every string field and the header double-quoted, a row-name column named "").
# Run from the repository root: Rscript tests/genetics/data/quoted_r/make_quoted.R
data_dir <- "src/alsatlas/data/genetics"
out_dir <- "tests/genetics/data/quoted_r"
exposure <- read.delim(file.path(data_dir, "twosamplemr_vignette_bmi_ieu-a-2_exposure.tsv"),
                       colClasses = c(SNP = "character"))
outcome <- read.delim(file.path(data_dir, "twosamplemr_vignette_chd_ieu-a-7_outcome.tsv"),
                      colClasses = c(SNP = "character"))
# a quoted field holding the separator, in both files
exposure$note <- "BMI, GIANT 2015"
outcome$study <- "CARDIoGRAMplusC4D, 2015"
write.csv(exposure, file.path(out_dir, "bmi_exposure_write_csv.csv"))
# the outcome with Windows line ends and a UTF-8 byte-order mark (as Excel saves CSV)
con <- file(file.path(out_dir, "chd_outcome_write_csv_crlf_bom.csv"), open = "wb")
writeBin(as.raw(c(0xef, 0xbb, 0xbf)), con)
write.csv(outcome, con, eol = "\r\n")
close(con)
