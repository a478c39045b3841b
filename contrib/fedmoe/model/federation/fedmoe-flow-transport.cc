// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeFlowServerTransport, FedMoeFlowClientTransport: the two ends of a
 * FedMoeFlowNetwork's connections.
 */

#include "fedmoe-flow-transport.h"

#include "fedmoe-wire-size-tag.h"

#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeFlowTransport");

NS_OBJECT_ENSURE_REGISTERED(FedMoeFlowServerTransport);
NS_OBJECT_ENSURE_REGISTERED(FedMoeFlowClientTransport);

TypeId
FedMoeFlowServerTransport::GetTypeId()
{
    using T = FedMoeFlowServerTransport;
    static TypeId tid
        = TypeId("ns3::FedMoeFlowServerTransport")
              .SetParent<FedMoeServerTransport>()
              .SetGroupName("FedMoe")
              .AddConstructor<T>()
              .AddAttribute("Network", "The flow-level network the clients are on.", PointerValue(),
                            MakePointerAccessor(&T::m_network),
                            MakePointerChecker<FedMoeFlowNetwork>())
              .AddAttribute("MaxPayload", "Largest message payload accepted, bytes.",
                            UintegerValue(256u << 20), MakeUintegerAccessor(&T::m_maxPayload),
                            MakeUintegerChecker<uint32_t>(1));
    return tid;
}

FedMoeFlowServerTransport::FedMoeFlowServerTransport()
    : m_maxPayload(256u << 20)
{
    NS_LOG_FUNCTION(this);
}

FedMoeFlowServerTransport::~FedMoeFlowServerTransport()
{
    NS_LOG_FUNCTION(this);
}

void
FedMoeFlowServerTransport::DoDispose()
{
    m_links.clear();
    m_network = nullptr;
    FedMoeServerTransport::DoDispose();
}

std::string
FedMoeFlowServerTransport::Start(Ptr<Node> /* node */)
{
    if (!m_network)
    {
        return "FedMoeFlowServerTransport: no Network";
    }
    m_network->Listen(MakeCallback(&FedMoeFlowServerTransport::Accept, this));
    return "";
}

void
FedMoeFlowServerTransport::Accept(uint32_t connection)
{
    NS_LOG_FUNCTION(this << connection);
    m_links[connection] = std::make_unique<FedMoeMessageFramer>(m_maxPayload);
    m_network->SetServerCallbacks(
        connection, MakeCallback(&FedMoeFlowServerTransport::Receive, this, connection),
        MakeCallback(&FedMoeFlowServerTransport::PeerClosed, this, connection));
}

void
FedMoeFlowServerTransport::Receive(uint32_t link, Ptr<Packet> message, Time transfer)
{
    auto it = m_links.find(link);
    if (it == m_links.end())
    {
        return;
    }
    const Time rtt = m_network->GetRtt(link);
    Time& best = m_minRtt[link];
    if (rtt.IsStrictlyPositive() && (best.IsZero() || rtt < best))
    {
        best = rtt;
    }
    if (!m_bytes.IsNull())
    {
        m_bytes(link, FedMoeWireSizeTag::Of(message));
    }
    FedMoeMessageFramer& framer = *it->second;
    framer.Append(message);
    for (;;)
    {
        FedMoeMessageFramer::Result r = framer.Next();
        if (r.status == FedMoeMessageFramer::Status::NEED_MORE)
        {
            return;
        }
        if (r.status == FedMoeMessageFramer::Status::REJECTED)
        {
            const bool broken = framer.IsBroken();
            m_rejected(link, r.message.header, r.reason);
            if (broken)
            {
                Close(link);
                m_closed(link);
                return;
            }
        }
        else
        {
            m_message(link, r.message, transfer);
        }
        if (m_links.find(link) == m_links.end())
        {
            return;
        }
    }
}

void
FedMoeFlowServerTransport::PeerClosed(uint32_t link)
{
    if (m_links.erase(link) > 0 && !m_closed.IsNull())
    {
        m_minRtt.erase(link);
        m_closed(link);
    }
}

void
FedMoeFlowServerTransport::Send(uint32_t link, Ptr<Packet> message, DeliveredCallback delivered)
{
    if (m_links.find(link) == m_links.end())
    {
        return;
    }
    m_network->Send(link, FedMoeFlowDirection::DOWN, message, delivered);
}

void
FedMoeFlowServerTransport::Close(uint32_t link)
{
    if (m_links.erase(link) > 0)
    {
        m_minRtt.erase(link);
        m_network->Close(link, FedMoeFlowDirection::DOWN);
    }
}

void
FedMoeFlowServerTransport::StopAccepting()
{
    if (m_network)
    {
        m_network->Listen(FedMoeFlowNetwork::AcceptCallback());
    }
}

void
FedMoeFlowServerTransport::Stop()
{
    StopAccepting();
    std::vector<uint32_t> links;
    for (const auto& [link, framer] : m_links)
    {
        links.push_back(link);
    }
    for (uint32_t link : links)
    {
        Close(link);
    }
}

void
FedMoeFlowServerTransport::RestartRttWindow()
{
    m_minRtt.clear();
}

std::map<uint32_t, Time>
FedMoeFlowServerTransport::GetMinRtts() const
{
    return m_minRtt;
}

// --- client ----------------------------------------------------------------

TypeId
FedMoeFlowClientTransport::GetTypeId()
{
    using T = FedMoeFlowClientTransport;
    static TypeId tid
        = TypeId("ns3::FedMoeFlowClientTransport")
              .SetParent<FedMoeClientTransport>()
              .SetGroupName("FedMoe")
              .AddConstructor<T>()
              .AddAttribute("Network", "The flow-level network the client is on.", PointerValue(),
                            MakePointerAccessor(&T::m_network),
                            MakePointerChecker<FedMoeFlowNetwork>())
              .AddAttribute("ClientIndex", "Which of the network's clients this one is.",
                            UintegerValue(0), MakeUintegerAccessor(&T::m_client),
                            MakeUintegerChecker<uint32_t>());
    return tid;
}

FedMoeFlowClientTransport::FedMoeFlowClientTransport()
    : m_client(0)
{
    NS_LOG_FUNCTION(this);
}

FedMoeFlowClientTransport::~FedMoeFlowClientTransport()
{
    NS_LOG_FUNCTION(this);
}

void
FedMoeFlowClientTransport::DoDispose()
{
    Close(false);
    m_network = nullptr;
    FedMoeClientTransport::DoDispose();
}

void
FedMoeFlowClientTransport::Connect(Ptr<Node> /* node */, const Address& /* server */,
                                   uint32_t maxPayload)
{
    if (!m_network)
    {
        NS_FATAL_ERROR("FedMoeFlowClientTransport: no Network");
    }
    Close(false);
    m_framer = std::make_unique<FedMoeMessageFramer>(maxPayload);
    m_open = true;
    using T = FedMoeFlowClientTransport;
    m_connection = m_network->Connect(
        m_client, MakeCallback(&T::Connected, this), MakeCallback(&T::Refused, this),
        MakeCallback(&T::Receive, this), MakeCallback(&T::PeerClosed, this));
}

void
FedMoeFlowClientTransport::Connected()
{
    if (m_open)
    {
        m_connected();
    }
}

void
FedMoeFlowClientTransport::Refused()
{
    if (m_open)
    {
        m_open = false;
        m_framer.reset();
        m_failed();
    }
}

void
FedMoeFlowClientTransport::PeerClosed()
{
    if (m_open)
    {
        m_open = false;
        m_framer.reset();
        m_peerClosed();
    }
}

void
FedMoeFlowClientTransport::Receive(Ptr<Packet> message, Time /* transfer */)
{
    if (!m_open)
    {
        return;
    }
    m_framer->Append(message);
    while (m_open && m_framer)
    {
        FedMoeMessageFramer::Result r = m_framer->Next();
        if (r.status == FedMoeMessageFramer::Status::NEED_MORE)
        {
            return;
        }
        if (r.status == FedMoeMessageFramer::Status::REJECTED)
        {
            m_rejected(r.message.header, r.reason, m_framer->IsBroken());
            continue;
        }
        m_message(r.message);
    }
}

void
FedMoeFlowClientTransport::Send(Ptr<Packet> message)
{
    if (m_open)
    {
        m_network->Send(m_connection, FedMoeFlowDirection::UP, message,
                        FedMoeFlowNetwork::EventCallback());
    }
}

void
FedMoeFlowClientTransport::Close(bool orderly)
{
    if (m_open && m_network)
    {
        m_network->Close(m_connection, FedMoeFlowDirection::UP, orderly);
    }
    m_open = false;
    m_framer.reset();
}

} // namespace ns3
