// SPDX-License-Identifier: GPL-2.0-only
/*
 * GoogleTest: FedMoeDeviceProfile validation and the FedMoeDeviceCatalog.
 */

#include "ns3/double.h"
#include "ns3/fedmoe-device-catalog.h"
#include "ns3/fedmoe-device-profile.h"
#include "ns3/object-factory.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <string>

using namespace ns3;

namespace
{

/// The message of the std::invalid_argument that f throws ("" if none).
template<typename F>
std::string
ErrorOf(F f)
{
    try
    {
        f();
    }
    catch (const std::invalid_argument& e)
    {
        return e.what();
    }
    return "";
}

} // namespace

TEST(FedMoeDeviceProfile, DefaultsAreValid)
{
    auto p = CreateObject<FedMoeDeviceProfile>();
    EXPECT_GT(p->GetComputeGflops(), 0.0);
    EXPECT_GE(p->GetCores(), 1u);
    EXPECT_FALSE(p->GetTier().empty());
}

TEST(FedMoeDeviceProfile, RejectsBadComputeWithMessage)
{
    auto p = CreateObject<FedMoeDeviceProfile>();
    for (double bad : {0.0, -1.0, std::numeric_limits<double>::quiet_NaN(),
                       std::numeric_limits<double>::infinity()})
    {
        const std::string msg = ErrorOf(
            [&]
            {
                p->SetComputeGflops(bad);
            });
        EXPECT_NE(msg.find("ComputeGflops"), std::string::npos) << msg;
        EXPECT_NE(msg.find("> 0"), std::string::npos) << msg;
    }
    EXPECT_EQ(p->GetComputeGflops(), 12.0); // unchanged default
}

TEST(FedMoeDeviceProfile, RejectsBadValuesThroughAttributes)
{
    auto p = CreateObject<FedMoeDeviceProfile>();
    EXPECT_NE(ErrorOf(
                  [&]
                  {
                      p->SetAttribute("ComputeGflops", DoubleValue(-3));
                  })
                  .find("-3"),
              std::string::npos);
    EXPECT_NE(ErrorOf(
                  [&]
                  {
                      p->SetAttribute("Cores", UintegerValue(0));
                  })
                  .find("Cores"),
              std::string::npos);
    EXPECT_NE(ErrorOf(
                  [&]
                  {
                      p->SetAttribute("MemoryMb", DoubleValue(0));
                  })
                  .find("MemoryMb"),
              std::string::npos);
    EXPECT_NE(ErrorOf(
                  [&]
                  {
                      p->SetAttribute("UplinkRate", StringValue("0bps"));
                  })
                  .find("UplinkRate"),
              std::string::npos);
    EXPECT_NE(ErrorOf(
                  [&]
                  {
                      p->SetAttribute("DownlinkRate", StringValue("0Mbps"));
                  })
                  .find("DownlinkRate"),
              std::string::npos);
    EXPECT_NE(ErrorOf(
                  [&]
                  {
                      p->SetAttribute("Latency", StringValue("-1ms"));
                  })
                  .find("Latency"),
              std::string::npos);
    EXPECT_NE(ErrorOf(
                  [&]
                  {
                      p->SetAttribute("Latency", StringValue("0s"));
                  })
                  .find("Latency"),
              std::string::npos);
    // NaN through an attribute never reaches the setter: ns-3's DoubleChecker
    // range check fails first (a fatal "could not be set" naming the attribute).
    EXPECT_NE(ErrorOf(
                  [&]
                  {
                      p->SetAvailability(std::numeric_limits<double>::quiet_NaN());
                  })
                  .find("Availability"),
              std::string::npos);
    EXPECT_NE(ErrorOf(
                  [&]
                  {
                      p->SetAttribute("Availability", DoubleValue(1.5));
                  })
                  .find("[0, 1]"),
              std::string::npos);
    EXPECT_NE(ErrorOf(
                  [&]
                  {
                      p->SetAttribute("PacketErrorRate", DoubleValue(1.0));
                  })
                  .find("PacketErrorRate"),
              std::string::npos);
    EXPECT_NE(ErrorOf(
                  [&]
                  {
                      p->SetAttribute("Tier", StringValue(""));
                  })
                  .find("Tier"),
              std::string::npos);
}

TEST(FedMoeDeviceProfile, AcceptsBoundaryValues)
{
    auto p = CreateObject<FedMoeDeviceProfile>();
    p->SetAvailability(0.0);
    p->SetAvailability(1.0);
    p->SetPacketErrorRate(0.0);
    p->SetCores(1);
    p->SetUplinkRate(DataRate(1));
    EXPECT_EQ(p->GetAvailability(), 1.0);
    EXPECT_EQ(p->GetUplinkRate().GetBitRate(), 1u);
}

TEST(FedMoeDeviceProfile, CreateObjectWithBadAttributeThrows)
{
    EXPECT_THROW(CreateObjectWithAttributes<FedMoeDeviceProfile>("ComputeGflops", DoubleValue(0.0)),
                 std::invalid_argument);
}

TEST(FedMoeDeviceCatalog, HasTheFiveTiersWithValidFigures)
{
    const auto names = FedMoeDeviceCatalog::Names();
    ASSERT_EQ(names.size(), 5u);
    for (const auto& name : names)
    {
        auto p = FedMoeDeviceCatalog::CreateProfile(name);
        EXPECT_EQ(p->GetTier(), name);
        EXPECT_GT(p->GetComputeGflops(), 0.0);
    }
    // Ordering that the heterogeneity relies on.
    EXPECT_LT(FedMoeDeviceCatalog::Get("mcu-sensor").computeGflops,
              FedMoeDeviceCatalog::Get("raspberry-pi-4").computeGflops);
    EXPECT_LT(FedMoeDeviceCatalog::Get("raspberry-pi-4").computeGflops,
              FedMoeDeviceCatalog::Get("laptop").computeGflops);
    EXPECT_LT(FedMoeDeviceCatalog::Get("mcu-sensor").memoryMb,
              FedMoeDeviceCatalog::Get("midrange-phone").memoryMb);
}

TEST(FedMoeDeviceCatalog, UnknownTierNamesTheKnownOnes)
{
    const std::string msg = ErrorOf(
        []
        {
            FedMoeDeviceCatalog::Get("toaster");
        });
    EXPECT_NE(msg.find("toaster"), std::string::npos);
    EXPECT_NE(msg.find("jetson-nano"), std::string::npos);
}
