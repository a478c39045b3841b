// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeTcpClientTransport: connect, frame, write, close over one TCP socket.
 */

#include "fedmoe-tcp-client-transport.h"

#include "ns3/log.h"
#include "ns3/tcp-socket-factory.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeTcpClientTransport");

NS_OBJECT_ENSURE_REGISTERED(FedMoeTcpClientTransport);

TypeId
FedMoeTcpClientTransport::GetTypeId()
{
    static TypeId tid = TypeId("ns3::FedMoeTcpClientTransport")
                            .SetParent<FedMoeClientTransport>()
                            .SetGroupName("FedMoe")
                            .AddConstructor<FedMoeTcpClientTransport>();
    return tid;
}

FedMoeTcpClientTransport::FedMoeTcpClientTransport()
{
    NS_LOG_FUNCTION(this);
}

FedMoeTcpClientTransport::~FedMoeTcpClientTransport()
{
    NS_LOG_FUNCTION(this);
}

void
FedMoeTcpClientTransport::DoDispose()
{
    Release(false);
    FedMoeClientTransport::DoDispose();
}

Ptr<Socket>
FedMoeTcpClientTransport::GetSocket() const
{
    return m_socket;
}

void
FedMoeTcpClientTransport::Connect(Ptr<Node> node, const Address& server, uint32_t maxPayload)
{
    NS_LOG_FUNCTION(this << node << server);
    Release(false);
    m_maxPayload = maxPayload;
    m_socket = Socket::CreateSocket(node, TcpSocketFactory::GetTypeId());
    m_socket->Bind();
    m_socket->SetConnectCallback(MakeCallback(&FedMoeTcpClientTransport::Succeeded, this),
                                 MakeCallback(&FedMoeTcpClientTransport::Failed, this));
    m_socket->SetRecvCallback(MakeCallback(&FedMoeTcpClientTransport::HandleRead, this));
    m_socket->SetCloseCallbacks(MakeCallback(&FedMoeTcpClientTransport::PeerClosed, this),
                                MakeCallback(&FedMoeTcpClientTransport::Lost, this));
    if (m_socket->Connect(server) != 0)
    {
        NS_LOG_WARN("Connect failed at once, errno " << m_socket->GetErrno());
        Failed(m_socket);
    }
}

void
FedMoeTcpClientTransport::Succeeded(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    m_framer = std::make_unique<FedMoeMessageFramer>(m_maxPayload);
    m_writer.Attach(socket);
    m_connected();
}

void
FedMoeTcpClientTransport::Failed(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    Release(true);
    m_failed();
}

void
FedMoeTcpClientTransport::PeerClosed(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    Release(true);
    m_peerClosed();
}

void
FedMoeTcpClientTransport::Lost(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    NS_LOG_INFO("connection lost, errno " << socket->GetErrno());
    Release(true);
    m_lost();
}

void
FedMoeTcpClientTransport::Send(Ptr<Packet> message)
{
    if (m_socket && m_framer)
    {
        m_writer.Send(message);
    }
}

void
FedMoeTcpClientTransport::Close(bool orderly)
{
    Release(orderly);
}

void
FedMoeTcpClientTransport::Release(bool orderly)
{
    m_writer.Detach();
    m_framer.reset();
    if (m_socket)
    {
        m_socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
        m_socket->SetConnectCallback(MakeNullCallback<void, Ptr<Socket>>(),
                                     MakeNullCallback<void, Ptr<Socket>>());
        m_socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                                    MakeNullCallback<void, Ptr<Socket>>());
        if (orderly)
        {
            m_socket->Close();
        }
        m_socket = nullptr;
    }
}

void
FedMoeTcpClientTransport::HandleRead(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    Ptr<Packet> packet;
    while (m_framer && (packet = socket->Recv()))
    {
        if (packet->GetSize() == 0)
        {
            break;
        }
        m_framer->Append(packet);
        while (m_framer)
        {
            FedMoeMessageFramer::Result r = m_framer->Next();
            if (r.status == FedMoeMessageFramer::Status::NEED_MORE)
            {
                break;
            }
            if (r.status == FedMoeMessageFramer::Status::REJECTED)
            {
                m_rejected(r.message.header, r.reason, m_framer->IsBroken());
                continue;
            }
            // The client may close the transport from inside the callback.
            m_message(r.message);
        }
    }
}

} // namespace ns3
