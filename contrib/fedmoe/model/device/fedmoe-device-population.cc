// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeDevicePopulation: weighted tier mix + lognormal spread from ns-3 streams.
 */

#include "fedmoe-device-population.h"

#include "fedmoe-device-catalog.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/string.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeDevicePopulation");

NS_OBJECT_ENSURE_REGISTERED(FedMoeDevicePopulation);

namespace
{

std::string
Trim(const std::string& s)
{
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos)
    {
        return "";
    }
    const auto last = s.find_last_not_of(" \t");
    return s.substr(first, last - first + 1);
}

[[noreturn]] void
RejectMix(const std::string& mix, const std::string& why)
{
    throw std::invalid_argument("FedMoeDevicePopulation::Mix: invalid value \"" + mix + "\" (" + why
                                + "; allowed: \"tier=weight,...\" over FedMoeDeviceCatalog tiers, "
                                  "weights >= 0, at least one > 0)");
}

std::string
DefaultMix()
{
    std::string mix;
    for (const auto& name : FedMoeDeviceCatalog::Names())
    {
        mix += (mix.empty() ? "" : ",") + name + "=1";
    }
    return mix;
}

} // namespace

TypeId
FedMoeDevicePopulation::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::FedMoeDevicePopulation")
              .SetParent<Object>()
              .SetGroupName("FedMoe")
              .AddConstructor<FedMoeDevicePopulation>()
              .AddAttribute("Mix",
                            "Tier mix \"tier=weight,...\" over FedMoeDeviceCatalog names "
                            "(mcu-sensor, raspberry-pi-4, jetson-nano, midrange-phone, laptop).",
                            StringValue(DefaultMix()),
                            MakeStringAccessor(&FedMoeDevicePopulation::SetMix,
                                               &FedMoeDevicePopulation::GetMix),
                            MakeStringChecker())
              .AddAttribute("Spread",
                            "Lognormal shape (sigma) of the per-device factor on compute, link "
                            "rates and latency (median 1; 0 = nominal figures).",
                            DoubleValue(0.25),
                            MakeDoubleAccessor(&FedMoeDevicePopulation::SetSpread,
                                               &FedMoeDevicePopulation::GetSpread),
                            MakeDoubleChecker<double>())
              .AddTraceSource("Drawn", "A profile was drawn.",
                              MakeTraceSourceAccessor(&FedMoeDevicePopulation::m_drawn),
                              "ns3::FedMoeDevicePopulation::DrawnCallback");
    return tid;
}

FedMoeDevicePopulation::FedMoeDevicePopulation()
    : m_spread(0.25),
      m_tierChoice(CreateObject<UniformRandomVariable>()),
      m_computeNoise(CreateObject<NormalRandomVariable>()),
      m_rateNoise(CreateObject<NormalRandomVariable>()),
      m_latencyNoise(CreateObject<NormalRandomVariable>())
{
    NS_LOG_FUNCTION(this);
}

FedMoeDevicePopulation::~FedMoeDevicePopulation()
{
    NS_LOG_FUNCTION(this);
}

void
FedMoeDevicePopulation::DoDispose()
{
    m_tierChoice = nullptr;
    m_computeNoise = nullptr;
    m_rateNoise = nullptr;
    m_latencyNoise = nullptr;
    Object::DoDispose();
}

void
FedMoeDevicePopulation::SetMix(std::string mix)
{
    std::vector<std::pair<std::string, double>> parsed;
    double total = 0.0;
    std::istringstream in(mix);
    std::string item;
    while (std::getline(in, item, ','))
    {
        const auto eq = item.find('=');
        if (eq == std::string::npos)
        {
            RejectMix(mix, "entry \"" + item + "\" has no '='");
        }
        const std::string name = Trim(item.substr(0, eq));
        if (!FedMoeDeviceCatalog::Has(name))
        {
            RejectMix(mix, "unknown tier \"" + name + "\"");
        }
        double weight = 0.0;
        try
        {
            std::size_t used = 0;
            const std::string text = Trim(item.substr(eq + 1));
            weight = std::stod(text, &used);
            if (used != text.size())
            {
                throw std::invalid_argument(text);
            }
        }
        catch (const std::exception&)
        {
            RejectMix(mix, "weight of \"" + name + "\" is not a number");
        }
        if (!(weight >= 0.0) || !std::isfinite(weight))
        {
            RejectMix(mix, "weight of \"" + name + "\" is negative, NaN or infinite");
        }
        parsed.emplace_back(name, weight);
        total += weight;
    }
    if (!(total > 0.0))
    {
        RejectMix(mix, "no tier has a positive weight");
    }
    m_mix = parsed;
    m_mixText = mix;
}

std::string
FedMoeDevicePopulation::GetMix() const
{
    return m_mixText;
}

void
FedMoeDevicePopulation::SetSpread(double sigma)
{
    if (!(sigma >= 0.0) || !std::isfinite(sigma))
    {
        std::ostringstream os;
        os << sigma;
        throw std::invalid_argument("FedMoeDevicePopulation::Spread: invalid value " + os.str()
                                    + " (allowed: a finite number >= 0)");
    }
    m_spread = sigma;
}

double
FedMoeDevicePopulation::GetSpread() const
{
    return m_spread;
}

double
FedMoeDevicePopulation::Factor(Ptr<NormalRandomVariable> normal)
{
    // Drawn even when Spread is 0 so that the streams advance the same way
    // whatever the spread, and only the factor changes.
    const double z = normal->GetValue(0.0, 1.0);
    return std::exp(m_spread * z);
}

Ptr<FedMoeDeviceProfile>
FedMoeDevicePopulation::Draw()
{
    double total = 0.0;
    for (const auto& entry : m_mix)
    {
        total += entry.second;
    }
    const double u = m_tierChoice->GetValue(0.0, total);
    std::string tier = m_mix.back().first;
    double cumulative = 0.0;
    for (const auto& entry : m_mix)
    {
        cumulative += entry.second;
        if (u < cumulative)
        {
            tier = entry.first;
            break;
        }
    }
    auto profile = FedMoeDeviceCatalog::CreateProfile(tier);
    const double compute = Factor(m_computeNoise);
    const double rate = Factor(m_rateNoise);
    const double latency = Factor(m_latencyNoise);
    profile->SetComputeGflops(profile->GetComputeGflops() * compute);
    // Extreme spreads must not round a figure down to an invalid zero.
    auto scaled = [rate](DataRate nominal)
    {
        return DataRate(std::max<uint64_t>(1, std::llround(nominal.GetBitRate() * rate)));
    };
    profile->SetUplinkRate(scaled(profile->GetUplinkRate()));
    profile->SetDownlinkRate(scaled(profile->GetDownlinkRate()));
    profile->SetLatency(
        std::max(NanoSeconds(1), Seconds(profile->GetLatency().GetSeconds() * latency)));
    NS_LOG_DEBUG("drew " << profile->ToString());
    m_drawn(profile);
    return profile;
}

std::vector<Ptr<FedMoeDeviceProfile>>
FedMoeDevicePopulation::Install(NodeContainer nodes)
{
    std::vector<Ptr<FedMoeDeviceProfile>> profiles;
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        if ((*it)->GetObject<FedMoeDeviceProfile>())
        {
            throw std::invalid_argument("FedMoeDevicePopulation::Install: node "
                                        + std::to_string((*it)->GetId())
                                        + " already has an FedMoeDeviceProfile");
        }
        auto profile = Draw();
        (*it)->AggregateObject(profile);
        profiles.push_back(profile);
    }
    return profiles;
}

int64_t
FedMoeDevicePopulation::AssignStreams(int64_t stream)
{
    m_tierChoice->SetStream(stream);
    m_computeNoise->SetStream(stream + 1);
    m_rateNoise->SetStream(stream + 2);
    m_latencyNoise->SetStream(stream + 3);
    return 4;
}

} // namespace ns3
