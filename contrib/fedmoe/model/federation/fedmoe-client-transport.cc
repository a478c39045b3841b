// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeClientTransport: the abstract base of the clients' transports.
 */

#include "fedmoe-client-transport.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(FedMoeClientTransport);

TypeId
FedMoeClientTransport::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::FedMoeClientTransport").SetParent<Object>().SetGroupName("FedMoe");
    return tid;
}

void
FedMoeClientTransport::SetCallbacks(EventCallback connected, EventCallback failed,
                                    EventCallback peerClosed, EventCallback lost,
                                    MessageCallback message, RejectedCallback rejected)
{
    m_connected = connected;
    m_failed = failed;
    m_peerClosed = peerClosed;
    m_lost = lost;
    m_message = message;
    m_rejected = rejected;
}

void
FedMoeClientTransport::DoDispose()
{
    m_connected = EventCallback();
    m_failed = EventCallback();
    m_peerClosed = EventCallback();
    m_lost = EventCallback();
    m_message = MessageCallback();
    m_rejected = RejectedCallback();
    Object::DoDispose();
}

} // namespace ns3
