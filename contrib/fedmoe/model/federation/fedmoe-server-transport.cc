// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeServerTransport: the abstract base of the server's transports.
 */

#include "fedmoe-server-transport.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeServerTransport");

NS_OBJECT_ENSURE_REGISTERED(FedMoeServerTransport);

TypeId
FedMoeServerTransport::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::FedMoeServerTransport").SetParent<Object>().SetGroupName("FedMoe");
    return tid;
}

void
FedMoeServerTransport::SetReceiveCallbacks(MessageCallback message, RejectedCallback rejected,
                                           BytesCallback bytes, ClosedCallback closed)
{
    m_message = message;
    m_rejected = rejected;
    m_bytes = bytes;
    m_closed = closed;
}

void
FedMoeServerTransport::DoDispose()
{
    m_message = MessageCallback();
    m_rejected = RejectedCallback();
    m_bytes = BytesCallback();
    m_closed = ClosedCallback();
    Object::DoDispose();
}

} // namespace ns3
