// SPDX-License-Identifier: GPL-2.0-only
/*
 * GoogleTest: FedMoeComputeModel numbers checked by hand.
 */

#include "ns3/double.h"
#include "ns3/fedmoe-compute-model.h"
#include "ns3/fedmoe-device-profile.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/string.h"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>

using namespace ns3;

namespace
{

Ptr<FedMoeDeviceProfile>
Device(double gflops)
{
    auto p = CreateObject<FedMoeDeviceProfile>();
    p->SetComputeGflops(gflops);
    return p;
}

} // namespace

TEST(FedMoeComputeModel, FlopsOverThroughput)
{
    auto model = CreateObject<FedMoeComputeModel>();
    // 2e9 FLOPs at 10 GFLOP/s = 0.2 s exactly (no occupancy by default).
    EXPECT_EQ(model->GetComputeTime(Device(10.0), 2e9), Seconds(0.2));
    // 1.5e12 FLOPs at 100 GFLOP/s = 15 s.
    EXPECT_EQ(model->GetComputeTime(Device(100.0), 1.5e12), Seconds(15));
    EXPECT_EQ(model->GetComputeTime(Device(10.0), 0.0), Seconds(0));
}

TEST(FedMoeComputeModel, EfficiencyAndOccupancyScale)
{
    auto model = CreateObject<FedMoeComputeModel>();
    model->SetAttribute("Efficiency", DoubleValue(0.5));
    // 2e9 / (10e9 x 0.5 x (1 - 0.6)) = 2e9 / 2e9 = 1 s.
    EXPECT_EQ(model->GetComputeTime(Device(10.0), 2e9, 0.6), Seconds(1.0));
}

TEST(FedMoeComputeModel, RandomOccupancyFromAttribute)
{
    auto model = CreateObject<FedMoeComputeModel>();
    model->SetAttribute("Occupancy", StringValue("ns3::ConstantRandomVariable[Constant=0.75]"));
    // 2e9 / (10e9 x 0.25) = 0.8 s.
    EXPECT_EQ(model->GetComputeTime(Device(10.0), 2e9), Seconds(0.8));
    // Drawn values above MaxOccupancy (0.95) are clamped: 2e9 / (10e9 x 0.05) = 4 s.
    model->SetAttribute("Occupancy", StringValue("ns3::ConstantRandomVariable[Constant=1.0]"));
    EXPECT_EQ(model->GetComputeTime(Device(10.0), 2e9), Seconds(4.0));
}

TEST(FedMoeComputeModel, UniformOccupancyIsReproducibleAndBounded)
{
    auto run = []
    {
        RngSeedManager::SetSeed(1);
        RngSeedManager::SetRun(7);
        auto model = CreateObject<FedMoeComputeModel>();
        model->SetAttribute("Occupancy",
                            StringValue("ns3::UniformRandomVariable[Min=0.0|Max=0.5]"));
        model->AssignStreams(42);
        std::vector<Time> times;
        for (int i = 0; i < 20; ++i)
        {
            times.push_back(model->GetComputeTime(Device(10.0), 2e9));
        }
        return times;
    };
    const auto a = run();
    EXPECT_EQ(a, run());
    for (const auto& t : a)
    {
        EXPECT_GE(t, Seconds(0.2));
        EXPECT_LE(t, Seconds(0.4)); // occupancy <= 0.5 at most doubles the time
    }
}

TEST(FedMoeComputeModel, RejectsBadInputs)
{
    auto model = CreateObject<FedMoeComputeModel>();
    EXPECT_THROW(model->SetAttribute("Efficiency", DoubleValue(0.0)), std::invalid_argument);
    EXPECT_THROW(model->SetAttribute("Efficiency", DoubleValue(1.1)), std::invalid_argument);
    EXPECT_THROW(model->SetAttribute("MaxOccupancy", DoubleValue(1.0)), std::invalid_argument);
    EXPECT_THROW(model->GetComputeTime(Device(10.0), -1.0), std::invalid_argument);
    EXPECT_THROW(model->GetComputeTime(Device(10.0), std::numeric_limits<double>::quiet_NaN()),
                 std::invalid_argument);
    EXPECT_THROW(model->GetComputeTime(Device(10.0), 1.0, 1.0), std::invalid_argument);
    EXPECT_THROW(model->GetComputeTime(nullptr, 1.0), std::invalid_argument);
}
