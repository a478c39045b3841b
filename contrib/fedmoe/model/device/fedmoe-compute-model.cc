// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeComputeModel: FLOPs -> simulated time.
 */

#include "fedmoe-compute-model.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/string.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeComputeModel");

NS_OBJECT_ENSURE_REGISTERED(FedMoeComputeModel);

namespace
{

[[noreturn]] void
Reject(const std::string& what, double value, const std::string& allowed)
{
    std::ostringstream os;
    os << "FedMoeComputeModel::" << what << ": invalid value " << value << " (allowed: " << allowed
       << ")";
    throw std::invalid_argument(os.str());
}

} // namespace

TypeId
FedMoeComputeModel::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::FedMoeComputeModel")
              .SetParent<Object>()
              .SetGroupName("FedMoe")
              .AddConstructor<FedMoeComputeModel>()
              .AddAttribute("Efficiency",
                            "Share of the profile's sustained throughput this workload reaches, "
                            "in (0, 1].",
                            DoubleValue(1.0),
                            MakeDoubleAccessor(&FedMoeComputeModel::SetEfficiency,
                                               &FedMoeComputeModel::GetEfficiency),
                            MakeDoubleChecker<double>())
              .AddAttribute("Occupancy",
                            "Background occupancy of the device, drawn once per job "
                            "(clamped to [0, MaxOccupancy]).",
                            StringValue("ns3::ConstantRandomVariable[Constant=0.0]"),
                            MakePointerAccessor(&FedMoeComputeModel::m_occupancy),
                            MakePointerChecker<RandomVariableStream>())
              .AddAttribute("MaxOccupancy",
                            "Largest occupancy used, in [0, 1): keeps every job finite.",
                            DoubleValue(0.95),
                            MakeDoubleAccessor(&FedMoeComputeModel::SetMaxOccupancy,
                                               &FedMoeComputeModel::GetMaxOccupancy),
                            MakeDoubleChecker<double>())
              .AddTraceSource("Job", "A job's duration was computed.",
                              MakeTraceSourceAccessor(&FedMoeComputeModel::m_jobTrace),
                              "ns3::FedMoeComputeModel::JobCallback");
    return tid;
}

FedMoeComputeModel::FedMoeComputeModel()
    : m_efficiency(1.0),
      m_maxOccupancy(0.95)
{
    NS_LOG_FUNCTION(this);
}

FedMoeComputeModel::~FedMoeComputeModel()
{
    NS_LOG_FUNCTION(this);
}

void
FedMoeComputeModel::DoDispose()
{
    m_occupancy = nullptr;
    Object::DoDispose();
}

void
FedMoeComputeModel::SetEfficiency(double efficiency)
{
    if (!(efficiency > 0.0 && efficiency <= 1.0))
    {
        Reject("Efficiency", efficiency, "a number in (0, 1]");
    }
    m_efficiency = efficiency;
}

double
FedMoeComputeModel::GetEfficiency() const
{
    return m_efficiency;
}

void
FedMoeComputeModel::SetMaxOccupancy(double max)
{
    if (!(max >= 0.0 && max < 1.0))
    {
        Reject("MaxOccupancy", max, "a number in [0, 1)");
    }
    m_maxOccupancy = max;
}

double
FedMoeComputeModel::GetMaxOccupancy() const
{
    return m_maxOccupancy;
}

Time
FedMoeComputeModel::GetComputeTime(Ptr<const FedMoeDeviceProfile> profile, double flops)
{
    double occupancy = m_occupancy ? m_occupancy->GetValue() : 0.0;
    if (std::isnan(occupancy))
    {
        occupancy = 0.0;
    }
    occupancy = std::clamp(occupancy, 0.0, m_maxOccupancy);
    return GetComputeTime(profile, flops, occupancy);
}

Time
FedMoeComputeModel::GetComputeTime(Ptr<const FedMoeDeviceProfile> profile, double flops,
                                   double occupancy)
{
    NS_LOG_FUNCTION(this << profile << flops << occupancy);
    if (!profile)
    {
        throw std::invalid_argument("FedMoeComputeModel::GetComputeTime: null profile");
    }
    if (!(flops >= 0.0) || !std::isfinite(flops))
    {
        Reject("GetComputeTime flops", flops, "a finite number >= 0");
    }
    if (!(occupancy >= 0.0 && occupancy < 1.0))
    {
        Reject("GetComputeTime occupancy", occupancy, "a number in [0, 1)");
    }
    const double flopsPerSecond
        = profile->GetComputeGflops() * 1e9 * m_efficiency * (1.0 - occupancy);
    const Time duration = Seconds(flops / flopsPerSecond);
    NS_LOG_DEBUG(profile->GetTier() << ": " << flops << " FLOPs -> " << duration.As(Time::S));
    m_jobTrace(profile->GetTier(), flops, occupancy, duration);
    return duration;
}

int64_t
FedMoeComputeModel::AssignStreams(int64_t stream)
{
    if (m_occupancy)
    {
        m_occupancy->SetStream(stream);
    }
    return 1;
}

} // namespace ns3
