// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeProgress: the progress line and its ETA, with a hand-driven clock.
 */

#include "ns3/fedmoe-progress.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

using namespace ns3;

TEST(FedMoeProgress, PrintsRoundAccuracyAndEta)
{
    double now = 100.0;
    std::ostringstream out;
    FedMoeProgress progress(10, out,
                            [&now]
                            {
                                return now;
                            });

    now = 104.0; // 4 s for 2 rounds -> 2 s per round, 8 to go = 16 s
    progress.RoundDone(2, 12.345, 0.5, 1);
    now = 190.0; // 90 s for 3 rounds -> 30 s per round, 7 to go = 210 s
    progress.RoundDone(3, 20.0, std::nan(""), 0);

    EXPECT_EQ(out.str(),
              "round 2/10  sim 12.35 s  accuracy 50.00 %  dropped 1  elapsed 4s  ETA 16s\n"
              "round 3/10  sim 20.00 s  accuracy -  dropped 0  elapsed 1m30s  ETA 3m30s\n");
}

TEST(FedMoeProgress, FormatsDurations)
{
    EXPECT_EQ(FedMoeProgress::FormatDuration(0.4), "0s");
    EXPECT_EQ(FedMoeProgress::FormatDuration(59.6), "1m00s");
    EXPECT_EQ(FedMoeProgress::FormatDuration(3725), "1h02m");
    EXPECT_EQ(FedMoeProgress::FormatDuration(-1), "?");
    EXPECT_EQ(FedMoeProgress::FormatDuration(NAN), "?");
}
