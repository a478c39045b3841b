# Issue 13's study: test accuracy vs simulated time when half of the devices
# announce links ten times faster than they have (mean over 10 seeds, band =
# 95 % CI), from the accuracy-vs-time CSVs fedmoe-sweep writes for the
# examples/campaigns/overstated-links*.json campaigns (devices always online).
# Run: gnuplot -e "dir='results/campaigns'" contrib/fedmoe/doc/figures/overstated-links.gp
if (!exists("dir")) dir = 'results/campaigns'
if (!exists("out")) out = 'contrib/fedmoe/doc/figures/overstated-links.png'
if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
    set terminal pngcairo size 1000,560 noenhanced
} else {
    set terminal png size 1000,560 noenhanced
}
set output out
set datafile separator ','
set datafile missing 'nan'
set title 'links slower than announced (p2p, 20 devices online): mean, 95 % CI over 10 seeds'
set xlabel 'simulated time (s)'
set ylabel 'test accuracy'
set key inside right bottom
set grid
set xrange [0:60]
set style fill transparent solid 0.15 noborder
main = dir.'/overstated-links/plots/accuracy-vs-time-availability=false.csv'
short = dir.'/overstated-links-deadlines/plots/accuracy-vs-time-deadline=0.5.csv'
plan = dir.'/overstated-links-planning/plots/accuracy-vs-time-planFraction=0.25.csv'
dense = dir.'/overstated-links-fedavg/plots/accuracy-vs-time-availability=false.csv'
# Columns: time, then mean, ci95, n per line in the campaign's policy order.
plot main every ::1 using 1:($8-$9):($8+$9) with filledcurves lc 1 notitle, \
     main every ::1 using 1:8 with lines lw 2 lc 1 title 'load-balanced, 2 s deadline', \
     main every ::1 using 1:($11-$12):($11+$12) with filledcurves lc 2 notitle, \
     main every ::1 using 1:11 with lines lw 2 lc 2 title 'channel-aware, 2 s deadline', \
     plan every ::1 using 1:($5-$6):($5+$6) with filledcurves lc 3 notitle, \
     plan every ::1 using 1:5 with lines lw 2 lc 3 title 'min-cost-flow, 2 s, planned to 0.5 s', \
     short every ::1 using 1:($2-$3):($2+$3) with filledcurves lc 4 notitle, \
     short every ::1 using 1:2 with lines lw 2 lc 4 title 'load-balanced, 0.5 s deadline', \
     short every ::1 using 1:($5-$6):($5+$6) with filledcurves lc 6 notitle, \
     short every ::1 using 1:5 with lines lw 2 lc 6 title 'channel-aware, 0.5 s deadline', \
     dense every ::1 using 1:2 with lines lw 2 dt 2 lc 7 title 'dense FedAvg (1 expert), 2 s'
