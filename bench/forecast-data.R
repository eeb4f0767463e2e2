# Real daily series for `npm run bench:forecast`, from the data of packages installed here
# (no network). Writes a long CSV: series,group,t,value (t = 1..n, one row per day).
#   forecast::taylor  half-hourly electricity demand, England and Wales, June-August 2000:
#                     averaged per day (48 half-hours) -> 84 daily points, weekly seasonality.
#   tseries::ice.river  daily river flow (Vatnsdalsa, Jokulsa Eystri), precipitation and
#                     temperature in Iceland, 1972-1974: 1096 daily points each, yearly
#                     seasonality, no weekly one.
args <- commandArgs(trailingOnly = TRUE)
out <- args[1]
rows <- list()
add <- function(name, group, x) {
  x <- as.numeric(x)
  rows[[length(rows) + 1]] <<- data.frame(series = name, group = group, t = seq_along(x), value = x)
}
data("taylor", package = "forecast")
add("taylor_daily_mean_mw", "real_weekly", colMeans(matrix(as.numeric(taylor), nrow = 48)))
data("ice.river", package = "tseries")
ir <- ice.river
for (col in colnames(ir)) add(paste0("ice.river_", col), "real_daily_no_weekly", ir[, col])
write.csv(do.call(rbind, rows), out, row.names = FALSE)
