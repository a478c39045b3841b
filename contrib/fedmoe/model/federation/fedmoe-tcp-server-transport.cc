// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeTcpServerTransport: links as TCP connections, framed messages,
 * transfer times and RTT samples.
 */

#include "fedmoe-tcp-server-transport.h"

#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeTcpServerTransport");

NS_OBJECT_ENSURE_REGISTERED(FedMoeTcpServerTransport);

TypeId
FedMoeTcpServerTransport::GetTypeId()
{
    using T = FedMoeTcpServerTransport;
    static TypeId tid
        = TypeId("ns3::FedMoeTcpServerTransport")
              .SetParent<FedMoeServerTransport>()
              .SetGroupName("FedMoe")
              .AddConstructor<T>()
              .AddAttribute("Port", "TCP port to listen on.", UintegerValue(7100),
                            MakeUintegerAccessor(&T::m_port), MakeUintegerChecker<uint16_t>())
              .AddAttribute("MaxPayload", "Largest message payload accepted, bytes.",
                            UintegerValue(256u << 20), MakeUintegerAccessor(&T::m_maxPayload),
                            MakeUintegerChecker<uint32_t>(1));
    return tid;
}

FedMoeTcpServerTransport::FedMoeTcpServerTransport()
    : m_port(7100),
      m_maxPayload(256u << 20)
{
    NS_LOG_FUNCTION(this);
}

FedMoeTcpServerTransport::~FedMoeTcpServerTransport()
{
    NS_LOG_FUNCTION(this);
}

void
FedMoeTcpServerTransport::DoDispose()
{
    for (auto& [link, conn] : m_links)
    {
        conn.writer->Detach();
        conn.socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
        conn.socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                                       MakeNullCallback<void, Ptr<Socket>>());
    }
    m_links.clear();
    m_linkOf.clear();
    m_closedSockets.clear();
    m_listener = nullptr;
    FedMoeServerTransport::DoDispose();
}

std::string
FedMoeTcpServerTransport::Start(Ptr<Node> node)
{
    NS_LOG_FUNCTION(this << node);
    m_listener = Socket::CreateSocket(node, TcpSocketFactory::GetTypeId());
    if (m_listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), m_port)) != 0
        || m_listener->Listen() != 0)
    {
        return "cannot listen on port " + std::to_string(m_port);
    }
    m_listener->SetAcceptCallback(MakeCallback(&FedMoeTcpServerTransport::AcceptRequest, this),
                                  MakeCallback(&FedMoeTcpServerTransport::HandleAccept, this));
    return "";
}

void
FedMoeTcpServerTransport::StopAccepting()
{
    m_accepting = false;
}

void
FedMoeTcpServerTransport::Stop()
{
    m_accepting = false;
    std::vector<uint32_t> links;
    for (const auto& [link, conn] : m_links)
    {
        links.push_back(link);
    }
    for (uint32_t link : links)
    {
        Drop(link);
    }
    if (m_listener)
    {
        m_listener->Close();
    }
}

bool
FedMoeTcpServerTransport::AcceptRequest(Ptr<Socket> /* socket */, const Address& /* from */)
{
    return m_accepting;
}

void
FedMoeTcpServerTransport::HandleAccept(Ptr<Socket> socket, const Address& from)
{
    NS_LOG_FUNCTION(this << socket << from);
    const uint32_t link = m_nextLink++;
    Connection conn;
    conn.socket = socket;
    conn.framer = std::make_unique<FedMoeMessageFramer>(m_maxPayload);
    conn.writer = std::make_unique<FedMoeStreamWriter>();
    conn.writer->Attach(socket);
    m_links[link] = std::move(conn);
    m_linkOf[PeekPointer(socket)] = link;
    socket->SetRecvCallback(MakeCallback(&FedMoeTcpServerTransport::HandleRead, this));
    socket->SetCloseCallbacks(MakeCallback(&FedMoeTcpServerTransport::HandlePeerClose, this),
                              MakeCallback(&FedMoeTcpServerTransport::HandlePeerClose, this));
    socket->TraceConnectWithoutContext(
        "RTT", MakeCallback(&FedMoeTcpServerTransport::RttSample, this, link));
}

void
FedMoeTcpServerTransport::RttSample(uint32_t link, Time /* oldRtt */, Time newRtt)
{
    auto it = m_links.find(link);
    if (it != m_links.end() && newRtt.IsStrictlyPositive()
        && (it->second.minRtt.IsZero() || newRtt < it->second.minRtt))
    {
        it->second.minRtt = newRtt;
    }
}

void
FedMoeTcpServerTransport::RestartRttWindow()
{
    for (auto& [link, conn] : m_links)
    {
        conn.minRtt = Time(0);
    }
}

std::map<uint32_t, Time>
FedMoeTcpServerTransport::GetMinRtts() const
{
    std::map<uint32_t, Time> rtts;
    for (const auto& [link, conn] : m_links)
    {
        if (conn.minRtt.IsStrictlyPositive())
        {
            rtts[link] = conn.minRtt;
        }
    }
    return rtts;
}

void
FedMoeTcpServerTransport::HandlePeerClose(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    auto it = m_linkOf.find(PeekPointer(socket));
    if (it == m_linkOf.end())
    {
        return;
    }
    const uint32_t link = it->second;
    Drop(link);
    if (!m_closed.IsNull())
    {
        m_closed(link);
    }
}

void
FedMoeTcpServerTransport::Close(uint32_t link)
{
    Drop(link);
}

void
FedMoeTcpServerTransport::Drop(uint32_t link)
{
    auto it = m_links.find(link);
    if (it == m_links.end())
    {
        return;
    }
    Connection& conn = it->second;
    conn.writer->Detach();
    conn.socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    conn.socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                                   MakeNullCallback<void, Ptr<Socket>>());
    conn.socket->Close();
    // The socket may be deep in its own call stack: keep it alive until disposal.
    m_closedSockets.push_back(conn.socket);
    m_linkOf.erase(PeekPointer(conn.socket));
    m_links.erase(it);
}

void
FedMoeTcpServerTransport::Send(uint32_t link, Ptr<Packet> message, DeliveredCallback delivered)
{
    auto it = m_links.find(link);
    if (it == m_links.end())
    {
        return;
    }
    if (!delivered.IsNull())
    {
        it->second.delivered = delivered;
        it->second.writer->SetDrainedCallback(
            MakeCallback(&FedMoeTcpServerTransport::Drained, this, link));
    }
    it->second.writer->Send(message);
}

void
FedMoeTcpServerTransport::Drained(uint32_t link)
{
    auto it = m_links.find(link);
    if (it == m_links.end())
    {
        return;
    }
    it->second.writer->SetDrainedCallback(FedMoeStreamWriter::DrainedCallback());
    DeliveredCallback delivered = it->second.delivered;
    it->second.delivered = DeliveredCallback();
    if (!delivered.IsNull())
    {
        delivered();
    }
}

void
FedMoeTcpServerTransport::HandleRead(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    auto l = m_linkOf.find(PeekPointer(socket));
    if (l == m_linkOf.end())
    {
        return;
    }
    const uint32_t link = l->second;
    Ptr<Packet> packet;
    while ((packet = socket->Recv()))
    {
        if (packet->GetSize() == 0)
        {
            break;
        }
        auto it = m_links.find(link);
        if (it == m_links.end())
        {
            return;
        }
        Connection& conn = it->second;
        if (!m_bytes.IsNull())
        {
            m_bytes(link, packet->GetSize());
        }
        if (conn.framer->GetBufferedBytes() == 0)
        {
            conn.messageStart = Simulator::Now();
        }
        conn.framer->Append(packet);
        for (;;)
        {
            FedMoeMessageFramer::Result r = conn.framer->Next();
            if (r.status == FedMoeMessageFramer::Status::NEED_MORE)
            {
                break;
            }
            if (r.status == FedMoeMessageFramer::Status::REJECTED)
            {
                const bool broken = conn.framer->IsBroken();
                m_rejected(link, r.message.header, r.reason);
                if (broken)
                {
                    Drop(link);
                    m_closed(link);
                    return;
                }
            }
            else
            {
                m_message(link, r.message, Simulator::Now() - conn.messageStart);
            }
            // The server may have closed the link meanwhile.
            if (m_links.find(link) == m_links.end())
            {
                return;
            }
            if (conn.framer->GetBufferedBytes() > 0)
            {
                conn.messageStart = Simulator::Now();
            }
        }
    }
}

} // namespace ns3
