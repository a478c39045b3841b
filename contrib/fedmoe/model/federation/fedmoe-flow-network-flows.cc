// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeFlowNetwork's flows: a message's start-up (slow start), its share of
 * the resources it crosses (re-solved per connected component of the flows
 * a change touches), its end and delivery, and the periodic re-reading of
 * paths that change with time.
 */

#include "fedmoe-flow-network.h"
#include "fedmoe-wire-size-tag.h"

#include "ns3/log.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeFlowNetworkFlows");

namespace
{

constexpr double kInfinity = std::numeric_limits<double>::infinity();
/// Flows whose end is this close (s) are done together.
constexpr double kSameInstant = 1e-9;

size_t
Index(FedMoeFlowDirection direction)
{
    return static_cast<size_t>(direction);
}

FedMoeFlowDirection
Opposite(FedMoeFlowDirection direction)
{
    return direction == FedMoeFlowDirection::UP ? FedMoeFlowDirection::DOWN
                                                : FedMoeFlowDirection::UP;
}

} // namespace

FedMoeFlowDemand
FedMoeFlowNetwork::DemandOf(const Flow& flow) const
{
    const FedMoeFlowPath& path = flow.path;
    const double rtt = GetRtt(flow.connection).GetSeconds();
    const double wire = static_cast<double>(m_segment + m_headerBytes) / m_segment;
    const double loss = std::clamp(path.lossRate, 0.0, 0.999);
    FedMoeFlowDemand demand;
    for (const auto& [resource, cost] : path.uses)
    {
        // Retransmissions use the resource too.
        demand.uses.emplace_back(resource, cost * wire / (1.0 - loss));
    }
    demand.weight = path.weight;
    if (rtt > 0)
    {
        demand.bound = 8.0 * m_maxWindow / rtt;
        if (loss > 0)
        {
            demand.bound = std::min(demand.bound, 8.0 * m_segment / rtt * std::sqrt(1.5 / loss));
        }
    }
    return demand;
}

double
FedMoeFlowNetwork::AloneRate(const Flow& flow) const
{
    const FedMoeFlowDemand demand = DemandOf(flow);
    double rate = demand.bound;
    for (const auto& [resource, cost] : demand.uses)
    {
        rate = std::min(rate, m_capacity[resource] / cost);
    }
    return rate;
}

std::vector<uint32_t>
FedMoeFlowNetwork::ResourcesOf(const FedMoeFlowPath& path) const
{
    std::vector<uint32_t> resources;
    for (const auto& [resource, cost] : path.uses)
    {
        resources.push_back(resource);
    }
    return resources;
}

void
FedMoeFlowNetwork::StartHead(uint32_t connection, FedMoeFlowDirection direction)
{
    Connection& c = m_connections.at(connection);
    Side& side = c.side[Index(direction)];
    if (side.queue.empty() || side.flow != 0)
    {
        return;
    }
    const uint32_t id = m_nextFlow++;
    Flow& flow = m_flows[id];
    flow.connection = connection;
    flow.direction = direction;
    flow.bitsLeft = 8.0 * FedMoeWireSizeTag::Of(side.queue.front().packet);
    flow.started = Simulator::Now().GetSeconds();
    flow.finish = kInfinity;
    flow.path = m_access->GetPath(c.client, direction, *this);
    side.flow = id;
    // Slow start: a window per round trip, doubling, until the window holds
    // what the path carries in a round trip (or MaxWindow). The round trips
    // spent short of it, less what they carried, are the start-up cost.
    const double rtt = GetRtt(connection).GetSeconds();
    const double alone = AloneRate(flow);
    double startup = 0;
    if (rtt > 0 && std::isfinite(alone) && alone > 0)
    {
        const double target = std::min<double>(m_maxWindow, alone * rtt / 8.0);
        const double bytes = flow.bitsLeft / 8.0; // declared size, if any
        double window = side.windowBytes;
        double sent = 0;
        uint32_t rounds = 0;
        while (window < target && sent + window < bytes)
        {
            sent += window;
            window *= 2;
            ++rounds;
        }
        side.windowBytes = std::min<double>(window, m_maxWindow);
        startup = std::max(0.0, rounds * rtt - 8.0 * sent / alone);
    }
    if (startup > 0)
    {
        side.start = Simulator::Schedule(Seconds(startup), &FedMoeFlowNetwork::Activate, this, id);
    }
    else
    {
        Activate(id);
    }
}

void
FedMoeFlowNetwork::Activate(uint32_t id)
{
    auto it = m_flows.find(id);
    if (it == m_flows.end())
    {
        return;
    }
    Flow& flow = it->second;
    const double now = Simulator::Now().GetSeconds();
    flow.active = now;
    flow.updated = now;
    const Connection& c = m_connections.at(flow.connection);
    flow.path = m_access->GetPath(c.client, flow.direction, *this);
    const std::vector<uint32_t> resources = ResourcesOf(flow.path);
    for (uint32_t r : resources)
    {
        m_users[r].insert(id);
    }
    if (resources.empty())
    {
        // Bounded by TCP alone: a component of its own.
        const FedMoeFlowDemand demand = DemandOf(flow);
        flow.rate = demand.bound;
        flow.finish = now + flow.bitsLeft / flow.rate;
        m_finishes.insert({flow.finish, id});
        Reschedule();
    }
    else
    {
        Resolve(resources);
    }
    if (m_access->IsTimeVarying() && m_refreshEvent.IsExpired())
    {
        m_refreshEvent = Simulator::Schedule(m_refreshInterval, &FedMoeFlowNetwork::Refresh, this);
    }
}

void
FedMoeFlowNetwork::Resolve(const std::vector<uint32_t>& seeds)
{
    const double now = Simulator::Now().GetSeconds();
    // The connected component: resources <-> the active flows on them.
    std::vector<uint32_t> resources;
    std::vector<uint32_t> flows;
    std::set<uint32_t> seenResources;
    std::set<uint32_t> seenFlows;
    std::vector<uint32_t> pending(seeds.begin(), seeds.end());
    while (!pending.empty())
    {
        const uint32_t r = pending.back();
        pending.pop_back();
        if (!seenResources.insert(r).second)
        {
            continue;
        }
        resources.push_back(r);
        for (uint32_t f : m_users[r])
        {
            if (seenFlows.insert(f).second)
            {
                flows.push_back(f);
                for (const auto& [other, cost] : m_flows.at(f).path.uses)
                {
                    pending.push_back(other);
                }
            }
        }
    }
    if (flows.empty())
    {
        return;
    }
    ++m_solves;
    // Advance every flow to now at its old rate, then read its path again
    // (a moving client, a cell that got busier).
    std::map<uint32_t, uint32_t> local;
    std::vector<double> capacity;
    std::vector<FedMoeFlowDemand> demands;
    for (uint32_t f : flows)
    {
        Flow& flow = m_flows.at(f);
        flow.bitsLeft = std::max(0.0, flow.bitsLeft - flow.rate * (now - flow.updated));
        flow.updated = now;
        FedMoeFlowPath path
            = m_access->GetPath(m_connections.at(flow.connection).client, flow.direction, *this);
        if (ResourcesOf(path) != ResourcesOf(flow.path))
        {
            for (uint32_t r : ResourcesOf(flow.path))
            {
                m_users[r].erase(f);
            }
            for (uint32_t r : ResourcesOf(path))
            {
                m_users[r].insert(f);
            }
        }
        flow.path = path;
        FedMoeFlowDemand demand = DemandOf(flow);
        for (auto& [resource, cost] : demand.uses)
        {
            auto [it, fresh] = local.emplace(resource, static_cast<uint32_t>(capacity.size()));
            if (fresh)
            {
                capacity.push_back(m_capacity[resource]);
            }
            resource = it->second;
        }
        demands.push_back(std::move(demand));
    }
    const std::vector<double> rates = FedMoeShareCapacity(capacity, demands);
    for (size_t i = 0; i < flows.size(); ++i)
    {
        Flow& flow = m_flows.at(flows[i]);
        m_finishes.erase({flow.finish, flows[i]});
        flow.rate = rates[i];
        flow.finish = flow.rate > 0 ? now + flow.bitsLeft / flow.rate : kInfinity;
        if (std::isfinite(flow.finish))
        {
            m_finishes.insert({flow.finish, flows[i]});
        }
    }
    Reschedule();
}

void
FedMoeFlowNetwork::Reschedule()
{
    if (m_finishes.empty())
    {
        Simulator::Cancel(m_finishEvent);
        m_finishEventAt = -1;
        return;
    }
    const double next = m_finishes.begin()->first;
    if (!m_finishEvent.IsExpired() && next == m_finishEventAt)
    {
        return;
    }
    Simulator::Cancel(m_finishEvent);
    m_finishEventAt = next;
    const double delay = std::max(0.0, next - Simulator::Now().GetSeconds());
    m_finishEvent = Simulator::Schedule(Seconds(delay), &FedMoeFlowNetwork::Finish, this);
}

void
FedMoeFlowNetwork::Remove(uint32_t id)
{
    auto it = m_flows.find(id);
    if (it == m_flows.end())
    {
        return;
    }
    for (uint32_t r : ResourcesOf(it->second.path))
    {
        m_users[r].erase(id);
    }
    m_finishes.erase({it->second.finish, id});
    m_flows.erase(it);
}

void
FedMoeFlowNetwork::Finish()
{
    m_finishEventAt = -1;
    const double now = Simulator::Now().GetSeconds();
    std::vector<uint32_t> done;
    for (auto it = m_finishes.begin(); it != m_finishes.end() && it->first <= now + kSameInstant;
         ++it)
    {
        done.push_back(it->second);
    }
    std::vector<uint32_t> freed;
    std::vector<std::pair<uint32_t, FedMoeFlowDirection>> next;
    for (uint32_t id : done)
    {
        const Flow flow = m_flows.at(id);
        Remove(id);
        ++m_completed;
        for (uint32_t r : ResourcesOf(flow.path))
        {
            freed.push_back(r);
        }
        Connection& c = m_connections.at(flow.connection);
        Side& side = c.side[Index(flow.direction)];
        Message message = side.queue.front();
        side.queue.pop_front();
        side.flow = 0;
        m_flowCompleted(c.client, static_cast<uint8_t>(flow.direction), message.packet->GetSize(),
                        now - flow.started);
        // The last byte arrives one latency later; its acknowledgement is
        // back one latency after that.
        const Time there = Latency(c.client, flow.direction);
        const Time back = Latency(c.client, Opposite(flow.direction));
        const Time transfer = Seconds(now - flow.active);
        const uint32_t connection = flow.connection;
        const FedMoeFlowDirection direction = flow.direction;
        Ptr<Packet> packet = message.packet;
        Simulator::Schedule(there,
                            [this, connection, direction, packet, transfer]()
                            {
                                auto it = m_connections.find(connection);
                                if (it == m_connections.end() || !it->second.open)
                                {
                                    return;
                                }
                                DeliverCallback deliver = direction == FedMoeFlowDirection::UP
                                                              ? it->second.toServer
                                                              : it->second.toClient;
                                if (!deliver.IsNull())
                                {
                                    deliver(packet, transfer);
                                }
                            });
        if (!message.acknowledged.IsNull())
        {
            EventCallback acknowledged = message.acknowledged;
            Simulator::Schedule(there + back,
                                [this, connection, acknowledged]()
                                {
                                    auto it = m_connections.find(connection);
                                    if (it != m_connections.end() && it->second.open)
                                    {
                                        acknowledged();
                                    }
                                });
        }
        next.emplace_back(connection, direction);
    }
    Resolve(freed);
    for (const auto& [connection, direction] : next)
    {
        StartHead(connection, direction);
    }
    Reschedule();
}

void
FedMoeFlowNetwork::Refresh()
{
    if (m_flows.empty())
    {
        return;
    }
    std::vector<uint32_t> busy;
    for (uint32_t r = 0; r < m_users.size(); ++r)
    {
        if (!m_users[r].empty())
        {
            busy.push_back(r);
        }
    }
    Resolve(busy);
    m_refreshEvent = Simulator::Schedule(m_refreshInterval, &FedMoeFlowNetwork::Refresh, this);
}

} // namespace ns3
