// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeFlowAccess and the point-to-point star at flow level.
 */

#include "fedmoe-flow-access.h"

#include "fedmoe-flow-network.h"

#include "ns3/double.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(FedMoeFlowAccess);
NS_OBJECT_ENSURE_REGISTERED(FedMoeFlowP2pAccess);

TypeId
FedMoeFlowAccess::GetTypeId()
{
    static TypeId tid = TypeId("ns3::FedMoeFlowAccess").SetParent<Object>().SetGroupName("FedMoe");
    return tid;
}

bool
FedMoeFlowAccess::IsTimeVarying() const
{
    return false;
}

double
FedMoeFlowAccess::GetSnrDb(uint32_t /* client */) const
{
    return std::numeric_limits<double>::quiet_NaN();
}

TypeId
FedMoeFlowP2pAccess::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::FedMoeFlowP2pAccess")
              .SetParent<FedMoeFlowAccess>()
              .SetGroupName("FedMoe")
              .AddConstructor<FedMoeFlowP2pAccess>()
              .AddAttribute("Efficiency",
                            "Share of a link's rate that carries TCP segments (headers are "
                            "FedMoeFlowNetwork::HeaderBytes), (0, 1].",
                            DoubleValue(1.0),
                            MakeDoubleAccessor(&FedMoeFlowP2pAccess::m_efficiency),
                            MakeDoubleChecker<double>(1e-3, 1.0));
    return tid;
}

FedMoeFlowP2pAccess::FedMoeFlowP2pAccess()
    : m_efficiency(1.0)
{
}

void
FedMoeFlowP2pAccess::AddLink(DataRate up, DataRate down, Time delay, double lossRate)
{
    if (up.GetBitRate() == 0 || down.GetBitRate() == 0)
    {
        throw std::invalid_argument(
            "FedMoeFlowP2pAccess::AddLink: a rate of 0 bit/s (allowed: > 0)");
    }
    if (!(lossRate >= 0 && lossRate < 1))
    {
        throw std::invalid_argument("FedMoeFlowP2pAccess::AddLink: loss rate "
                                    + std::to_string(lossRate) + " (allowed: [0, 1))");
    }
    m_links.push_back(Link{up, down, delay, lossRate, 0, 0});
}

void
FedMoeFlowP2pAccess::Attach(FedMoeFlowNetwork& network)
{
    for (Link& link : m_links)
    {
        link.upResource = network.AddResource(static_cast<double>(link.up.GetBitRate()));
        link.downResource = network.AddResource(static_cast<double>(link.down.GetBitRate()));
    }
}

uint32_t
FedMoeFlowP2pAccess::GetNClients() const
{
    return static_cast<uint32_t>(m_links.size());
}

FedMoeFlowPath
FedMoeFlowP2pAccess::GetPath(uint32_t client, FedMoeFlowDirection direction,
                             const FedMoeFlowNetwork& /* network */) const
{
    const Link& link = m_links.at(client);
    FedMoeFlowPath path;
    path.uses.emplace_back(direction == FedMoeFlowDirection::UP ? link.upResource
                                                                : link.downResource,
                           1.0 / m_efficiency);
    path.latency = link.delay;
    path.lossRate = link.lossRate;
    return path;
}

Time
FedMoeFlowP2pAccess::GetLatency(uint32_t client, FedMoeFlowDirection /* direction */) const
{
    return m_links.at(client).delay;
}

} // namespace ns3
