set terminal pngcairo size 1000,420 font ",11"
set output "lte-goodput-vs-distance.png"
set datafile separator ","
set key autotitle columnhead
set multiplot layout 1,2 title "LTE edge (fedmoe-edge --network=lte --distanceMax=800 --rounds=10, seed 1): what the server saw of each UE"
set xlabel "distance to the eNB (m)"
set ylabel "observed uplink goodput (Mbit/s)"
set grid
set logscale y
plot "clients.csv" using 3:($11/1e6) with points pt 7 ps 1.2 notitle
unset logscale y
set ylabel "UE-reported SINR (dB)"
plot "clients.csv" using 3:13 with points pt 7 ps 1.2 lc rgb "#c0392b" notitle
unset multiplot
