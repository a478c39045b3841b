// SPDX-License-Identifier: GPL-2.0-only
/*
 * GoogleTest: FedMoeDevicePopulation draws are reproducible per run and stream and
 * follow the tier mix.
 */

#include "ns3/double.h"
#include "ns3/fedmoe-device-population.h"
#include "ns3/node-container.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/// Tier and compute of n draws for a given run number and stream.
std::vector<std::pair<std::string, double>>
DrawMany(uint64_t run, int64_t stream, uint32_t n, const std::string& mix, double spread)
{
    RngSeedManager::SetSeed(1);
    RngSeedManager::SetRun(run);
    auto population = CreateObject<FedMoeDevicePopulation>();
    population->SetAttribute("Mix", StringValue(mix));
    population->SetAttribute("Spread", DoubleValue(spread));
    population->AssignStreams(stream);
    std::vector<std::pair<std::string, double>> out;
    for (uint32_t i = 0; i < n; ++i)
    {
        auto p = population->Draw();
        out.emplace_back(p->GetTier(), p->GetComputeGflops());
    }
    return out;
}

const std::string kAll = "mcu-sensor=1,raspberry-pi-4=1,jetson-nano=1,midrange-phone=1,laptop=1";

} // namespace

TEST(FedMoeDevicePopulation, SameRunSameStreamSamePopulation)
{
    EXPECT_EQ(DrawMany(3, 10, 50, kAll, 0.3), DrawMany(3, 10, 50, kAll, 0.3));
}

TEST(FedMoeDevicePopulation, OtherRunOtherPopulation)
{
    EXPECT_NE(DrawMany(3, 10, 50, kAll, 0.3), DrawMany(4, 10, 50, kAll, 0.3));
}

TEST(FedMoeDevicePopulation, ZeroSpreadGivesNominalFigures)
{
    for (const auto& [tier, gflops] : DrawMany(1, 0, 20, "raspberry-pi-4=1,laptop=1", 0.0))
    {
        EXPECT_DOUBLE_EQ(gflops, tier == "laptop" ? 100.0 : 12.0);
    }
}

TEST(FedMoeDevicePopulation, FollowsTheMixWeights)
{
    std::map<std::string, int> counts;
    for (const auto& entry : DrawMany(1, 0, 2000, "mcu-sensor=3,laptop=1,jetson-nano=0", 0.1))
    {
        ++counts[entry.first];
    }
    EXPECT_EQ(counts.count("jetson-nano"), 0u);
    // 2000 draws at p = 0.75: sd = sqrt(2000 x 0.75 x 0.25) ~ 19.4; 5 sd ~ 97.
    EXPECT_NEAR(counts["mcu-sensor"], 1500, 97);
}

TEST(FedMoeDevicePopulation, InstallAggregatesAProfilePerNode)
{
    NodeContainer nodes;
    nodes.Create(4);
    auto population = CreateObject<FedMoeDevicePopulation>();
    population->AssignStreams(0);
    const auto profiles = population->Install(nodes);
    ASSERT_EQ(profiles.size(), 4u);
    for (uint32_t i = 0; i < 4; ++i)
    {
        EXPECT_EQ(nodes.Get(i)->GetObject<FedMoeDeviceProfile>(), profiles[i]);
    }
    EXPECT_THROW(population->Install(nodes), std::invalid_argument);
    Simulator::Destroy();
}

TEST(FedMoeDevicePopulation, RejectsBadMixAndSpread)
{
    auto population = CreateObject<FedMoeDevicePopulation>();
    for (const std::string bad : {"toaster=1", "laptop", "laptop=-1", "laptop=0", "laptop=x"})
    {
        try
        {
            population->SetMix(bad);
            ADD_FAILURE() << "accepted " << bad;
        }
        catch (const std::invalid_argument& e)
        {
            EXPECT_NE(std::string(e.what()).find("Mix"), std::string::npos);
        }
    }
    EXPECT_THROW(population->SetSpread(-0.1), std::invalid_argument);
}
