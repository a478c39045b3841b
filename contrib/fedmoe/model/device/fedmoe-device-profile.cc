// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeDeviceProfile: validated capacity attributes of an edge device.
 */

#include "fedmoe-device-profile.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeDeviceProfile");

NS_OBJECT_ENSURE_REGISTERED(FedMoeDeviceProfile);

namespace
{

/// Throws std::invalid_argument naming the attribute, the value and the rule.
[[noreturn]] void
Reject(const std::string& attribute, const std::string& value, const std::string& allowed)
{
    throw std::invalid_argument("FedMoeDeviceProfile::" + attribute + ": invalid value " + value
                                + " (allowed: " + allowed + ")");
}

std::string
Text(double value)
{
    std::ostringstream os;
    os << value;
    return os.str();
}

void
RequirePositiveFinite(const std::string& attribute, double value)
{
    // Written as !(x > 0) so that NaN is rejected too.
    if (!(value > 0.0) || !std::isfinite(value))
    {
        Reject(attribute, Text(value), "a finite number > 0");
    }
}

} // namespace

TypeId
FedMoeDeviceProfile::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::FedMoeDeviceProfile")
              .SetParent<Object>()
              .SetGroupName("FedMoe")
              .AddConstructor<FedMoeDeviceProfile>()
              .AddAttribute("ComputeGflops",
                            "Sustained fp32 throughput for training-like workloads, GFLOP/s (> 0).",
                            DoubleValue(12.0),
                            MakeDoubleAccessor(&FedMoeDeviceProfile::SetComputeGflops,
                                               &FedMoeDeviceProfile::GetComputeGflops),
                            MakeDoubleChecker<double>())
              .AddAttribute("Cores", "CPU cores (>= 1).", UintegerValue(4),
                            MakeUintegerAccessor(&FedMoeDeviceProfile::SetCores,
                                                 &FedMoeDeviceProfile::GetCores),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("MemoryMb", "Memory available for training, MB (> 0).",
                            DoubleValue(3000.0),
                            MakeDoubleAccessor(&FedMoeDeviceProfile::SetMemoryMb,
                                               &FedMoeDeviceProfile::GetMemoryMb),
                            MakeDoubleChecker<double>())
              .AddAttribute("UplinkRate", "Nominal device-to-server rate (> 0).",
                            DataRateValue(DataRate("60Mbps")),
                            MakeDataRateAccessor(&FedMoeDeviceProfile::SetUplinkRate,
                                                 &FedMoeDeviceProfile::GetUplinkRate),
                            MakeDataRateChecker())
              .AddAttribute("DownlinkRate", "Nominal server-to-device rate (> 0).",
                            DataRateValue(DataRate("100Mbps")),
                            MakeDataRateAccessor(&FedMoeDeviceProfile::SetDownlinkRate,
                                                 &FedMoeDeviceProfile::GetDownlinkRate),
                            MakeDataRateChecker())
              .AddAttribute("Latency", "Nominal one-way access latency (> 0).",
                            TimeValue(MilliSeconds(5)),
                            MakeTimeAccessor(&FedMoeDeviceProfile::SetLatency,
                                             &FedMoeDeviceProfile::GetLatency),
                            MakeTimeChecker())
              .AddAttribute("Availability", "Probability that the device joins a round, in [0, 1].",
                            DoubleValue(0.95),
                            MakeDoubleAccessor(&FedMoeDeviceProfile::SetAvailability,
                                               &FedMoeDeviceProfile::GetAvailability),
                            MakeDoubleChecker<double>())
              .AddAttribute("PacketErrorRate", "Packet error rate of the access link, in [0, 1).",
                            DoubleValue(0.0),
                            MakeDoubleAccessor(&FedMoeDeviceProfile::SetPacketErrorRate,
                                               &FedMoeDeviceProfile::GetPacketErrorRate),
                            MakeDoubleChecker<double>())
              .AddAttribute(
                  "Tier", "Tier name (a FedMoeDeviceCatalog key or free text, non-empty).",
                  StringValue("raspberry-pi-4"),
                  MakeStringAccessor(&FedMoeDeviceProfile::SetTier, &FedMoeDeviceProfile::GetTier),
                  MakeStringChecker())
              .AddTraceSource("Changed", "An attribute took a new (validated) value.",
                              MakeTraceSourceAccessor(&FedMoeDeviceProfile::m_changedTrace),
                              "ns3::FedMoeDeviceProfile::ChangedCallback");
    return tid;
}

FedMoeDeviceProfile::FedMoeDeviceProfile()
    : m_computeGflops(12.0),
      m_cores(4),
      m_memoryMb(3000.0),
      m_uplinkRate("60Mbps"),
      m_downlinkRate("100Mbps"),
      m_latency(MilliSeconds(5)),
      m_availability(0.95),
      m_packetErrorRate(0.0),
      m_tier("raspberry-pi-4")
{
    NS_LOG_FUNCTION(this);
}

FedMoeDeviceProfile::~FedMoeDeviceProfile()
{
    NS_LOG_FUNCTION(this);
}

void
FedMoeDeviceProfile::SetComputeGflops(double gflops)
{
    RequirePositiveFinite("ComputeGflops", gflops);
    m_computeGflops = gflops;
    m_changedTrace("ComputeGflops", Text(gflops));
}

double
FedMoeDeviceProfile::GetComputeGflops() const
{
    return m_computeGflops;
}

void
FedMoeDeviceProfile::SetCores(uint32_t cores)
{
    if (cores == 0)
    {
        Reject("Cores", "0", "an integer >= 1");
    }
    m_cores = cores;
    m_changedTrace("Cores", std::to_string(cores));
}

uint32_t
FedMoeDeviceProfile::GetCores() const
{
    return m_cores;
}

void
FedMoeDeviceProfile::SetMemoryMb(double mb)
{
    RequirePositiveFinite("MemoryMb", mb);
    m_memoryMb = mb;
    m_changedTrace("MemoryMb", Text(mb));
}

double
FedMoeDeviceProfile::GetMemoryMb() const
{
    return m_memoryMb;
}

void
FedMoeDeviceProfile::SetUplinkRate(DataRate rate)
{
    if (rate.GetBitRate() == 0)
    {
        Reject("UplinkRate", "0bps", "a rate > 0 bit/s");
    }
    m_uplinkRate = rate;
    m_changedTrace("UplinkRate", std::to_string(rate.GetBitRate()) + "bps");
}

DataRate
FedMoeDeviceProfile::GetUplinkRate() const
{
    return m_uplinkRate;
}

void
FedMoeDeviceProfile::SetDownlinkRate(DataRate rate)
{
    if (rate.GetBitRate() == 0)
    {
        Reject("DownlinkRate", "0bps", "a rate > 0 bit/s");
    }
    m_downlinkRate = rate;
    m_changedTrace("DownlinkRate", std::to_string(rate.GetBitRate()) + "bps");
}

DataRate
FedMoeDeviceProfile::GetDownlinkRate() const
{
    return m_downlinkRate;
}

void
FedMoeDeviceProfile::SetLatency(Time latency)
{
    if (!latency.IsStrictlyPositive())
    {
        Reject("Latency", Text(latency.GetSeconds()) + "s", "a time > 0");
    }
    m_latency = latency;
    m_changedTrace("Latency", Text(latency.GetSeconds()) + "s");
}

Time
FedMoeDeviceProfile::GetLatency() const
{
    return m_latency;
}

void
FedMoeDeviceProfile::SetAvailability(double p)
{
    if (!(p >= 0.0 && p <= 1.0))
    {
        Reject("Availability", Text(p), "a probability in [0, 1]");
    }
    m_availability = p;
    m_changedTrace("Availability", Text(p));
}

fedmoe::scheduling::CapacityProfile
FedMoeDeviceProfile::GetCapacity() const
{
    fedmoe::scheduling::CapacityProfile c;
    c.computeGflops = m_computeGflops;
    c.cores = m_cores;
    c.memoryMb = m_memoryMb;
    c.uplinkBps = static_cast<double>(m_uplinkRate.GetBitRate());
    c.downlinkBps = static_cast<double>(m_downlinkRate.GetBitRate());
    c.latencyS = m_latency.GetSeconds();
    c.availability = m_availability;
    return c;
}

double
FedMoeDeviceProfile::GetAvailability() const
{
    return m_availability;
}

void
FedMoeDeviceProfile::SetPacketErrorRate(double p)
{
    // 1 would make every transfer impossible, which is never what a scenario means.
    if (!(p >= 0.0 && p < 1.0))
    {
        Reject("PacketErrorRate", Text(p), "a probability in [0, 1)");
    }
    m_packetErrorRate = p;
    m_changedTrace("PacketErrorRate", Text(p));
}

double
FedMoeDeviceProfile::GetPacketErrorRate() const
{
    return m_packetErrorRate;
}

void
FedMoeDeviceProfile::SetTier(std::string tier)
{
    if (tier.empty())
    {
        Reject("Tier", "\"\"", "a non-empty name");
    }
    m_tier = tier;
    m_changedTrace("Tier", tier);
}

std::string
FedMoeDeviceProfile::GetTier() const
{
    return m_tier;
}

std::string
FedMoeDeviceProfile::ToString() const
{
    std::ostringstream os;
    os << m_tier << ": " << m_computeGflops << " GFLOP/s, " << m_cores << " cores, " << m_memoryMb
       << " MB, up " << m_uplinkRate.GetBitRate() / 1e6 << " Mb/s, down "
       << m_downlinkRate.GetBitRate() / 1e6 << " Mb/s, latency " << m_latency.GetMilliSeconds()
       << " ms, availability " << m_availability << ", PER " << m_packetErrorRate;
    return os.str();
}

} // namespace ns3
