// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeFlowNetwork: attributes, resources and connections (open, send,
 * close); how the flows of the messages share the resources is in
 * fedmoe-flow-network-flows.cc.
 */

#include "fedmoe-flow-network.h"

#include "fedmoe-wire-size-tag.h"

#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeFlowNetwork");

NS_OBJECT_ENSURE_REGISTERED(FedMoeFlowNetwork);

TypeId
FedMoeFlowNetwork::GetTypeId()
{
    using N = FedMoeFlowNetwork;
    static TypeId tid
        = TypeId("ns3::FedMoeFlowNetwork")
              .SetParent<Object>()
              .SetGroupName("FedMoe")
              .AddConstructor<N>()
              .AddAttribute("SegmentSize", "TCP payload bytes per segment (MSS).",
                            UintegerValue(1448), MakeUintegerAccessor(&N::m_segment),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("HeaderBytes",
                            "Header bytes per segment on the wire (TCP with timestamps, IPv4, "
                            "the link's framing).",
                            UintegerValue(54), MakeUintegerAccessor(&N::m_headerBytes),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("InitialWindow", "TCP's initial congestion window, segments.",
                            UintegerValue(10), MakeUintegerAccessor(&N::m_initialWindow),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("MaxWindow",
                            "Largest window, bytes (the socket buffers): a flow carries at "
                            "most MaxWindow per round trip.",
                            UintegerValue(1 << 20), MakeUintegerAccessor(&N::m_maxWindow),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("RefreshInterval",
                            "How often paths that change with time (moving clients, fading) "
                            "are read again while flows are active.",
                            TimeValue(MilliSeconds(100)), MakeTimeAccessor(&N::m_refreshInterval),
                            MakeTimeChecker(MicroSeconds(1)))
              .AddTraceSource("FlowCompleted",
                              "A message's last byte was sent: client, direction (0 up, 1 "
                              "down), payload bytes, seconds since it was first in line.",
                              MakeTraceSourceAccessor(&N::m_flowCompleted),
                              "ns3::FedMoeFlowNetwork::FlowCallback");
    return tid;
}

FedMoeFlowNetwork::FedMoeFlowNetwork()
    : m_segment(1448),
      m_headerBytes(54),
      m_initialWindow(10),
      m_maxWindow(1 << 20),
      m_refreshInterval(MilliSeconds(100))
{
    NS_LOG_FUNCTION(this);
}

FedMoeFlowNetwork::~FedMoeFlowNetwork()
{
    NS_LOG_FUNCTION(this);
}

void
FedMoeFlowNetwork::DoDispose()
{
    Simulator::Cancel(m_finishEvent);
    Simulator::Cancel(m_refreshEvent);
    for (auto& [id, connection] : m_connections)
    {
        for (Side& side : connection.side)
        {
            Simulator::Cancel(side.start);
        }
    }
    m_connections.clear();
    m_flows.clear();
    m_finishes.clear();
    m_accept = AcceptCallback();
    m_access = nullptr;
    Object::DoDispose();
}

void
FedMoeFlowNetwork::SetAccess(Ptr<FedMoeFlowAccess> access)
{
    if (m_access)
    {
        throw std::logic_error("FedMoeFlowNetwork::SetAccess: the links are set already");
    }
    m_access = access;
}

Ptr<FedMoeFlowAccess>
FedMoeFlowNetwork::GetAccess() const
{
    return m_access;
}

uint32_t
FedMoeFlowNetwork::AddResource(double capacity)
{
    if (!(capacity >= 0) || !std::isfinite(capacity))
    {
        throw std::invalid_argument("FedMoeFlowNetwork::AddResource: capacity "
                                    + std::to_string(capacity) + " (allowed: finite, >= 0)");
    }
    m_capacity.push_back(capacity);
    m_users.emplace_back();
    return static_cast<uint32_t>(m_capacity.size() - 1);
}

uint32_t
FedMoeFlowNetwork::GetActiveFlows(uint32_t resource) const
{
    return resource < m_users.size() ? static_cast<uint32_t>(m_users[resource].size()) : 0;
}

uint64_t
FedMoeFlowNetwork::GetFlowsCompleted() const
{
    return m_completed;
}

uint64_t
FedMoeFlowNetwork::GetSolves() const
{
    return m_solves;
}

void
FedMoeFlowNetwork::Listen(AcceptCallback accept)
{
    m_accept = accept;
}

Time
FedMoeFlowNetwork::Latency(uint32_t client, FedMoeFlowDirection direction) const
{
    return m_access->GetLatency(client, direction);
}

uint32_t
FedMoeFlowNetwork::Connect(uint32_t client, EventCallback connected, EventCallback refused,
                           DeliverCallback deliver, EventCallback closed)
{
    if (!m_access)
    {
        throw std::logic_error("FedMoeFlowNetwork::Connect: no links (SetAccess)");
    }
    if (!m_attached)
    {
        m_access->Attach(*this);
        m_attached = true;
    }
    if (client >= m_access->GetNClients())
    {
        throw std::out_of_range("FedMoeFlowNetwork::Connect: client " + std::to_string(client)
                                + " of " + std::to_string(m_access->GetNClients()));
    }
    const uint32_t id = m_nextConnection++;
    Connection& connection = m_connections[id];
    connection.client = client;
    connection.toClient = deliver;
    connection.clientClosed = closed;
    for (Side& side : connection.side)
    {
        side.windowBytes = static_cast<double>(m_initialWindow) * m_segment;
    }
    // SYN to the server; its answer (SYN-ACK or RST) one latency later.
    Simulator::Schedule(Latency(client, FedMoeFlowDirection::UP), &FedMoeFlowNetwork::Accept, this,
                        id);
    // The answer reaches the client after the downlink latency.
    auto answer = [this, id, connected, refused]()
    {
        auto it = m_connections.find(id);
        if (it == m_connections.end())
        {
            return;
        }
        if (!it->second.open)
        {
            return;
        }
        if (!it->second.accepted)
        {
            it->second.open = false;
            refused();
            return;
        }
        connected();
    };
    Simulator::Schedule(Latency(client, FedMoeFlowDirection::UP)
                            + Latency(client, FedMoeFlowDirection::DOWN),
                        answer);
    return id;
}

void
FedMoeFlowNetwork::Accept(uint32_t connection)
{
    auto it = m_connections.find(connection);
    if (it == m_connections.end() || !it->second.open || m_accept.IsNull())
    {
        return;
    }
    it->second.accepted = true;
    m_accept(connection);
}

void
FedMoeFlowNetwork::SetServerCallbacks(uint32_t connection, DeliverCallback deliver,
                                      EventCallback closed)
{
    Connection& c = m_connections.at(connection);
    c.toServer = deliver;
    c.serverClosed = closed;
}

uint32_t
FedMoeFlowNetwork::GetClient(uint32_t connection) const
{
    return m_connections.at(connection).client;
}

Time
FedMoeFlowNetwork::GetRtt(uint32_t connection) const
{
    auto it = m_connections.find(connection);
    if (it == m_connections.end() || !it->second.open)
    {
        return Time(0);
    }
    return Latency(it->second.client, FedMoeFlowDirection::UP)
           + Latency(it->second.client, FedMoeFlowDirection::DOWN);
}

void
FedMoeFlowNetwork::Send(uint32_t connection, FedMoeFlowDirection direction, Ptr<Packet> message,
                        EventCallback acknowledged)
{
    auto it = m_connections.find(connection);
    if (it == m_connections.end() || !it->second.open)
    {
        return;
    }
    Side& side = it->second.side[static_cast<size_t>(direction)];
    side.queue.push_back(Message{message, acknowledged});
    if (side.queue.size() == 1)
    {
        StartHead(connection, direction);
    }
}

void
FedMoeFlowNetwork::Close(uint32_t connection, FedMoeFlowDirection by, bool notify)
{
    auto it = m_connections.find(connection);
    if (it == m_connections.end() || !it->second.open)
    {
        return;
    }
    Connection& c = it->second;
    c.open = false;
    std::vector<uint32_t> freed;
    for (Side& side : c.side)
    {
        Simulator::Cancel(side.start);
        if (side.flow != 0)
        {
            auto f = m_flows.find(side.flow);
            if (f != m_flows.end())
            {
                for (uint32_t r : ResourcesOf(f->second.path))
                {
                    freed.push_back(r);
                }
            }
            Remove(side.flow);
            side.flow = 0;
        }
        side.queue.clear();
    }
    Resolve(freed);
    if (!notify)
    {
        return;
    }
    // A FIN travels one latency to the other end.
    EventCallback closed = by == FedMoeFlowDirection::DOWN ? c.clientClosed : c.serverClosed;
    if (!closed.IsNull())
    {
        Simulator::Schedule(Latency(c.client, by == FedMoeFlowDirection::DOWN
                                                  ? FedMoeFlowDirection::DOWN
                                                  : FedMoeFlowDirection::UP),
                            [closed]()
                            {
                                closed();
                            });
    }
}

} // namespace ns3
