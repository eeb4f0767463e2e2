# Real daily series for `npm run bench:forecast`, from the data of packages installed here
# (no network). Writes a long CSV: series,group,t,value (t = 1..n, one row per day).
# Debian packages it reads (besides r-base, r-cran-forecast, r-cran-tseries):
#   r-cran-modeldata r-cran-dslabs r-cran-cardata gretl-data
# Group: real_weekly where the series has a clear weekly cycle (STL strength of the period-7
# component, 1 - var(remainder) / var(remainder + seasonal), above 0.3: 0.35-0.99 for the
# real_weekly series below), real_daily_no_weekly otherwise (0-0.13 for those below).
#   forecast::taylor  half-hourly electricity demand, England and Wales, June-August 2000:
#                     averaged per day (48 half-hours) -> 84 daily points, weekly seasonality.
#   tseries::ice.river  daily river flow (Vatnsdalsa, Jokulsa Eystri), precipitation and
#                     temperature in Iceland, 1972-1974: 1096 daily points each, yearly
#                     seasonality, no weekly one.
#   modeldata::Chicago  daily entries (thousands) at Chicago L stations, 2001-2016; kept the last
#                     3 years: Clark/Lake (`ridership`, 2013-08-29..2016-08-28) and 4 stations of
#                     different character (Belmont, Jefferson Park, Oak Park, Ashland; their
#                     columns are lagged 14 days, so 2013-08-15..2016-08-14). 1096 daily points
#                     each, weekly seasonality (weekday commuting), yearly, holidays. Left out:
#                     the other 15 stations (near-duplicates) and those with multi-day closures
#                     (Merchandise Mart, Addison, Montrose).
#   gretl-data bikesharing.gdt  Capital Bikeshare (Washington DC) daily rentals, 2011-01-01..
#                     2012-12-31: 731 daily points each. Casual users (weekend peak) and
#                     registered users (weekday peak): weekly seasonality; their total (`cnt`)
#                     has almost none (the two cycles cancel), yearly seasonality and trend in
#                     all three. 2012-10-29 (Hurricane Sandy) has 22 rentals.
#   carData::MplsStops  Minneapolis police stops, one row per stop: counted per local day,
#                     2017-01-01..2017-12-31 -> 365 daily points, weekly seasonality.
#   dslabs::trump_tweets  tweets (no retweets) of @realDonaldTrump, one row per tweet: counted
#                     per New York day; kept 2015-01-01..2017-12-31 -> 1096 daily points (a day
#                     without a tweet counts 0: 25 such days), weak weekly cycle, level shifts.
args <- commandArgs(trailingOnly = TRUE)
out <- args[1]
rows <- list()
add <- function(name, group, x) {
  x <- as.numeric(x)
  rows[[length(rows) + 1]] <<- data.frame(series = name, group = group, t = seq_along(x), value = x)
}
need <- function(pkg, deb) {
  if (!requireNamespace(pkg, quietly = TRUE)) stop(sprintf("R package %s missing: apt-get install %s", pkg, deb))
}
# Events (their local dates) counted per day from `from` to `to`, 0 on days without one.
per_day <- function(dates, from, to) {
  days <- format(seq(as.Date(from), as.Date(to), by = 1))
  as.numeric(table(factor(format(dates), levels = days)))
}

data("taylor", package = "forecast")
add("taylor_daily_mean_mw", "real_weekly", colMeans(matrix(as.numeric(taylor), nrow = 48)))
data("ice.river", package = "tseries")
ir <- ice.river
for (col in colnames(ir)) add(paste0("ice.river_", col), "real_daily_no_weekly", ir[, col])

need("modeldata", "r-cran-modeldata")
data("Chicago", package = "modeldata")
ch <- Chicago[Chicago$date >= as.Date("2013-08-29"), ]
stopifnot(nrow(ch) == 1096, all(diff(ch$date) == 1))
add("chicago_clark_lake_entries", "real_weekly", ch$ridership)
for (col in c("Belmont", "Jefferson_Park", "Oak_Park", "Ashland"))
  add(paste0("chicago_", tolower(col), "_entries"), "real_weekly", ch[[col]])

gdt <- "/usr/share/gretl/data/misc/bikesharing.gdt"
if (!file.exists(gdt)) stop(sprintf("%s missing: apt-get install gretl-data", gdt))
con <- gzfile(gdt)
lines <- readLines(con, encoding = "UTF-8")
close(con)
vars <- sub('.*name="([^"]+)".*', "\\1", grep("<variable name=", lines, value = TRUE))
obs <- sub("^<obs>(.*)</obs>$", "\\1", grep("^<obs>", lines, value = TRUE))
bike <- read.table(text = obs, col.names = vars)
stopifnot(nrow(bike) == 731)
add("bikeshare_dc_casual_rentals", "real_weekly", bike$casual)
add("bikeshare_dc_registered_rentals", "real_weekly", bike$registered)
add("bikeshare_dc_total_rentals", "real_daily_no_weekly", bike$cnt)

need("carData", "r-cran-cardata")
data("MplsStops", package = "carData")
add("minneapolis_police_stops", "real_weekly",
  per_day(as.Date(MplsStops$date, tz = "America/Chicago"), "2017-01-01", "2017-12-31"))

need("dslabs", "r-cran-dslabs")
data("trump_tweets", package = "dslabs")
add("trump_tweets_per_day", "real_daily_no_weekly",
  per_day(as.Date(trump_tweets$created_at, tz = "America/New_York"), "2015-01-01", "2017-12-31"))

write.csv(do.call(rbind, rows), out, row.names = FALSE)
