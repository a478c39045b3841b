// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeMobilityHelper: static, outward, random-walk and Gauss-Markov clients.
 */

#include "fedmoe-mobility-helper.h"

#include "ns3/box.h"
#include "ns3/constant-velocity-mobility-model.h"
#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/mobility-model.h"
#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/rectangle.h"
#include "ns3/simulator.h"
#include "ns3/string.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeMobilityHelper");

namespace
{

const char* const STATIC = "ns3::ConstantPositionMobilityModel";
const char* const OUTWARD = "ns3::ConstantVelocityMobilityModel";
const char* const WALK = "ns3::RandomWalk2dMobilityModel";
const char* const GAUSS_MARKOV = "ns3::GaussMarkovMobilityModel";

/// What the position trace samples, shared by its events.
struct FedMoePositionTrace
{
    std::ofstream out;                      //!< CSV
    std::vector<Ptr<MobilityModel>> models; //!< per client
    std::vector<Vector> anchors;            //!< per client
};

void
SamplePositions(std::shared_ptr<FedMoePositionTrace> trace, Time interval)
{
    for (uint32_t i = 0; i < trace->models.size(); ++i)
    {
        const Vector p = trace->models[i]->GetPosition();
        trace->out << Simulator::Now().GetSeconds() << ',' << i << ',' << p.x << ',' << p.y << ','
                   << p.z << ',' << CalculateDistance(p, trace->anchors[i]) << '\n';
    }
    trace->out.flush();
    Simulator::Schedule(interval, &SamplePositions, trace, interval);
}

std::string
Constant(double value)
{
    std::ostringstream os;
    os << "ns3::ConstantRandomVariable[Constant=" << value << "]";
    return os.str();
}

} // namespace

FedMoeMobilityHelper::FedMoeMobilityHelper()
    : m_distanceMin(1.0),
      m_distanceMax(40.0),
      m_distanceRng(CreateObject<UniformRandomVariable>()),
      m_model(STATIC),
      m_speed(1.0),
      m_boundsSet(false),
      m_bounds{0.0, 0.0, 0.0, 0.0}
{
}

void
FedMoeMobilityHelper::SetDistances(std::vector<double> metres)
{
    for (double d : metres)
    {
        if (!(d > 0.0) || !std::isfinite(d))
        {
            std::ostringstream os;
            os << "FedMoeMobilityHelper::SetDistances: invalid distance " << d
               << " m (allowed: finite, > 0)";
            throw std::invalid_argument(os.str());
        }
    }
    m_fixedDistances = metres;
}

void
FedMoeMobilityHelper::SetDistanceRange(double min, double max, int64_t stream)
{
    if (!(min > 0.0) || !(max >= min) || !std::isfinite(max))
    {
        std::ostringstream os;
        os << "FedMoeMobilityHelper::SetDistanceRange: invalid range [" << min << ", " << max
           << "] m (allowed: 0 < min <= max, finite)";
        throw std::invalid_argument(os.str());
    }
    m_fixedDistances.clear();
    m_distanceMin = min;
    m_distanceMax = max;
    if (stream >= 0)
    {
        m_distanceRng->SetStream(stream);
    }
}

std::vector<double>
FedMoeMobilityHelper::DrawDistances(uint32_t n)
{
    if (!m_fixedDistances.empty())
    {
        if (m_fixedDistances.size() != n)
        {
            throw std::invalid_argument("FedMoeMobilityHelper: "
                                        + std::to_string(m_fixedDistances.size())
                                        + " distances given for " + std::to_string(n) + " clients");
        }
        return m_fixedDistances;
    }
    std::vector<double> d;
    for (uint32_t i = 0; i < n; ++i)
    {
        d.push_back(m_distanceRng->GetValue(m_distanceMin, m_distanceMax));
    }
    return d;
}

void
FedMoeMobilityHelper::SetModel(std::string type)
{
    const std::vector<std::string> allowed{STATIC, OUTWARD, WALK, GAUSS_MARKOV};
    if (std::find(allowed.begin(), allowed.end(), type) == allowed.end())
    {
        TypeId tid;
        const bool exists = TypeId::LookupByNameFailSafe(type, &tid);
        throw std::invalid_argument("FedMoeMobilityHelper::SetModel: "
                                    + std::string(exists ? "unsupported" : "unknown")
                                    + " mobility model \"" + type + "\" (allowed: " + STATIC + ", "
                                    + OUTWARD + ", " + WALK + ", " + GAUSS_MARKOV + ")");
    }
    m_model = type;
    m_attributes.clear();
}

std::string
FedMoeMobilityHelper::GetModel() const
{
    return m_model;
}

void
FedMoeMobilityHelper::SetSpeed(double metresPerSecond)
{
    if (!(metresPerSecond >= 0.0) || !std::isfinite(metresPerSecond))
    {
        std::ostringstream os;
        os << "FedMoeMobilityHelper::SetSpeed: invalid speed " << metresPerSecond
           << " m/s (allowed: finite, >= 0)";
        throw std::invalid_argument(os.str());
    }
    m_speed = metresPerSecond;
}

void
FedMoeMobilityHelper::SetBounds(double xMin, double xMax, double yMin, double yMax)
{
    if (!(xMax > xMin) || !(yMax > yMin) || !std::isfinite(xMin) || !std::isfinite(xMax)
        || !std::isfinite(yMin) || !std::isfinite(yMax))
    {
        std::ostringstream os;
        os << "FedMoeMobilityHelper::SetBounds: invalid bounds x [" << xMin << ", " << xMax
           << "], y [" << yMin << ", " << yMax << "] m (allowed: finite, min < max)";
        throw std::invalid_argument(os.str());
    }
    m_bounds[0] = xMin;
    m_bounds[1] = xMax;
    m_bounds[2] = yMin;
    m_bounds[3] = yMax;
    m_boundsSet = true;
}

void
FedMoeMobilityHelper::SetAttribute(std::string name, const AttributeValue& value)
{
    TypeId::AttributeInformation info;
    if (!TypeId::LookupByName(m_model).LookupAttributeByName(name, &info))
    {
        throw std::invalid_argument("FedMoeMobilityHelper::SetAttribute: " + m_model
                                    + " has no attribute \"" + name + "\"");
    }
    m_attributes.emplace_back(name, value.Copy());
}

std::vector<double>
FedMoeMobilityHelper::Bounds(const std::vector<Vector>& positions) const
{
    if (m_boundsSet)
    {
        return {m_bounds[0], m_bounds[1], m_bounds[2], m_bounds[3]};
    }
    double reach = 1.0;
    for (const Vector& p : positions)
    {
        reach = std::max({reach, std::abs(p.x), std::abs(p.y)});
    }
    return {-2 * reach, 2 * reach, -2 * reach, 2 * reach};
}

void
FedMoeMobilityHelper::Install(NodeContainer clients, const std::vector<Vector>& positions,
                              const std::vector<Vector>& anchors)
{
    NS_LOG_FUNCTION(this << clients.GetN() << m_model);
    const std::vector<double> b = Bounds(positions);
    ObjectFactory factory;
    factory.SetTypeId(m_model);
    if (m_model == WALK)
    {
        factory.Set("Bounds", RectangleValue(Rectangle(b[0], b[1], b[2], b[3])));
        factory.Set("Speed", StringValue(Constant(m_speed)));
        factory.Set("Mode", StringValue("Time"));
        factory.Set("Time", TimeValue(Seconds(1)));
    }
    else if (m_model == GAUSS_MARKOV)
    {
        double zMin = 0.0;
        double zMax = 1.0;
        for (const Vector& p : positions)
        {
            zMin = std::min(zMin, p.z);
            zMax = std::max(zMax, p.z);
        }
        factory.Set("Bounds", BoxValue(Box(b[0], b[1], b[2], b[3], zMin, zMax)));
        factory.Set("TimeStep", TimeValue(Seconds(1)));
        factory.Set("Alpha", DoubleValue(0.85));
        factory.Set("MeanVelocity", StringValue(Constant(m_speed)));
        factory.Set("MeanPitch", StringValue(Constant(0.0)));
        factory.Set("NormalPitch",
                    StringValue("ns3::NormalRandomVariable[Mean=0|Variance=0|Bound=0]"));
        // Speed varies around its mean by a tenth of it (standard deviation).
        std::ostringstream normal;
        normal << "ns3::NormalRandomVariable[Mean=0|Variance=" << std::pow(m_speed / 10, 2)
               << "|Bound=" << m_speed << "]";
        factory.Set("NormalVelocity", StringValue(normal.str()));
    }
    for (const auto& [name, value] : m_attributes)
    {
        factory.Set(name, *value);
    }
    for (uint32_t i = 0; i < clients.GetN(); ++i)
    {
        if (clients.Get(i)->GetObject<MobilityModel>())
        {
            throw std::logic_error("FedMoeMobilityHelper::Install: client node "
                                   + std::to_string(clients.Get(i)->GetId())
                                   + " already has a MobilityModel (the edge helper installs the "
                                     "clients' mobility: configure it with Mobility())");
        }
        if (m_model == WALK || m_model == GAUSS_MARKOV)
        {
            const Vector& p = positions[i];
            if (p.x < b[0] || p.x > b[1] || p.y < b[2] || p.y > b[3])
            {
                std::ostringstream os;
                os << "FedMoeMobilityHelper::Install: client " << i << " starts at (" << p.x << ", "
                   << p.y << ") m, outside the bounds x [" << b[0] << ", " << b[1] << "], y ["
                   << b[2] << ", " << b[3] << "] (widen SetBounds)";
                throw std::invalid_argument(os.str());
            }
        }
        auto model = factory.Create<MobilityModel>();
        model->SetPosition(positions[i]);
        if (m_model == OUTWARD)
        {
            Vector away = positions[i] - anchors[i];
            away.z = 0.0;
            const double norm = away.GetLength();
            away = norm > 0.0 ? Vector(away.x / norm, away.y / norm, 0.0) : Vector(1.0, 0.0, 0.0);
            DynamicCast<ConstantVelocityMobilityModel>(model)->SetVelocity(
                Vector(away.x * m_speed, away.y * m_speed, 0.0));
        }
        clients.Get(i)->AggregateObject(model);
        m_models.push_back(model);
        m_anchors.push_back(anchors[i]);
    }
}

double
FedMoeMobilityHelper::GetDistance(uint32_t i) const
{
    if (i >= m_models.size())
    {
        throw std::out_of_range("FedMoeMobilityHelper::GetDistance: client index "
                                + std::to_string(i) + " out of range (clients: "
                                + std::to_string(m_models.size()) + ")");
    }
    return CalculateDistance(m_models[i]->GetPosition(), m_anchors[i]);
}

void
FedMoeMobilityHelper::EnablePositionTrace(std::string file, Time interval)
{
    if (!interval.IsStrictlyPositive())
    {
        throw std::invalid_argument("FedMoeMobilityHelper::EnablePositionTrace: invalid interval "
                                    + std::to_string(interval.GetSeconds()) + " s (allowed: > 0)");
    }
    if (m_models.empty())
    {
        throw std::logic_error(
            "FedMoeMobilityHelper::EnablePositionTrace: install a topology first");
    }
    auto trace = std::make_shared<FedMoePositionTrace>();
    trace->out.open(file);
    if (!trace->out)
    {
        throw std::runtime_error("FedMoeMobilityHelper::EnablePositionTrace: cannot write " + file);
    }
    trace->out << "time_s,client,x,y,z,distance_m\n";
    trace->models = m_models;
    trace->anchors = m_anchors;
    Simulator::ScheduleNow(&SamplePositions, trace, interval);
}

int64_t
FedMoeMobilityHelper::AssignStreams(int64_t stream)
{
    int64_t used = 0;
    for (auto& model : m_models)
    {
        used += model->AssignStreams(stream + used);
    }
    return used;
}

} // namespace ns3
