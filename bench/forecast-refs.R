# The R references of `npm run bench:forecast`, in one Rscript call:
#   Rscript bench/forecast-refs.R TASKS.csv FORECASTS.csv TIMES.csv H K REPS
# TASKS.csv: series,group,t,value,timed (the training values as our forecaster sees them;
# timed = 1 for the series whose ets time is measured REPS times). For each series and each
# rolling origin k = K..1 (train on points 1..n-hk, forecast the h points after), fits
# forecast::ets, forecast::auto.arima and forecast::snaive on ts(train, frequency = 7) with
# default settings, and writes the point forecasts and 80%/95% bounds. No metric is computed
# here: the benchmark scores every method with the same TypeScript code (R's accuracy() on a
# plain vector test set would scale MASE by lag-1 differences, not the seasonal naive's).
# TIMES.csv: series,method,rep,seconds (elapsed, all K origins of one series, in this process).
# Prophet is run too when installed (library(prophet)), with default settings.
suppressPackageStartupMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
tasks <- read.csv(args[1], stringsAsFactors = FALSE)
h <- as.integer(args[4]); K <- as.integer(args[5]); reps <- as.integer(args[6])
has_prophet <- suppressWarnings(suppressMessages(requireNamespace("prophet", quietly = TRUE)))

fit_one <- function(method, train) {
  y <- ts(train, frequency = 7)
  f <- switch(method,
    ets = forecast(ets(y), h = h, level = c(80, 95)),
    auto.arima = forecast(auto.arima(y), h = h, level = c(80, 95)),
    snaive = snaive(y, h = h, level = c(80, 95)),
    prophet = {
      df <- data.frame(ds = as.Date("2000-01-01") + seq_along(train) - 1, y = train)
      m <- suppressMessages(prophet::prophet(df, interval.width = 0.8))
      fut <- prophet::make_future_dataframe(m, periods = h)
      p80 <- predict(m, fut)
      m95 <- suppressMessages(prophet::prophet(df, interval.width = 0.95))
      p95 <- predict(m95, fut)
      idx <- (length(train) + 1):(length(train) + h)
      list(mean = p80$yhat[idx], lower = cbind(p80$yhat_lower[idx], p95$yhat_lower[idx]),
           upper = cbind(p80$yhat_upper[idx], p95$yhat_upper[idx]))
    })
  list(mean = as.numeric(f$mean), lower = matrix(as.numeric(f$lower), ncol = 2),
       upper = matrix(as.numeric(f$upper), ncol = 2))
}

methods <- c("ets", "auto.arima", "snaive", if (has_prophet) "prophet")
out <- list(); times <- list()
for (s in unique(tasks$series)) {
  d <- tasks[tasks$series == s, ]
  d <- d[order(d$t), ]
  y <- d$value; n <- length(y)
  for (method in methods) {
    nrep <- if (method == "ets" && d$timed[1] == 1) reps else 1
    for (rep in seq_len(nrep)) {
      t0 <- proc.time()[["elapsed"]]
      for (k in K:1) {
        train_end <- n - h * k
        f <- tryCatch(fit_one(method, y[1:train_end]), error = function(e) {
          message(sprintf("%s %s k=%d: %s", s, method, k, conditionMessage(e))); NULL })
        if (rep == 1 && !is.null(f))
          out[[length(out) + 1]] <- data.frame(series = s, method = method, k = k,
            train_end = train_end, step = 1:h, mean = f$mean, lo80 = f$lower[, 1],
            hi80 = f$upper[, 1], lo95 = f$lower[, 2], hi95 = f$upper[, 2])
      }
      times[[length(times) + 1]] <- data.frame(series = s, method = method, rep = rep,
        seconds = proc.time()[["elapsed"]] - t0)
    }
  }
}
write.csv(do.call(rbind, out), args[2], row.names = FALSE)
write.csv(do.call(rbind, times), args[3], row.names = FALSE)
