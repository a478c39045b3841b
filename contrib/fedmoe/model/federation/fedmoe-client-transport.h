// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeClientTransport: how a client reaches the server. The client
 * application speaks HELLO/ASSIGN/UPDATE through it and never touches a
 * socket; FedMoeTcpClientTransport is the packet-level implementation,
 * FedMoeFlowClientTransport the flow-level one.
 */

#ifndef FEDMOE_CLIENT_TRANSPORT_H
#define FEDMOE_CLIENT_TRANSPORT_H

#include "fedmoe-header.h"
#include "fedmoe-message-framer.h"

#include "ns3/address.h"
#include "ns3/callback.h"
#include "ns3/node.h"
#include "ns3/object.h"
#include "ns3/packet.h"

#include <cstdint>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief The client's side of its link to the server: one connection,
 *        whole messages in and out.
 *
 * Messages arrive framed (FedMoeMessageFramer rules: a bad header or
 * checksum is reported, never delivered). Nothing is reported after Close.
 */
class FedMoeClientTransport : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    /// The connection came up, failed to, was closed by the server, or broke.
    using EventCallback = Callback<void>;
    /// A well-formed message arrived.
    using MessageCallback = Callback<void, const FedMoeMessage&>;
    /// The framer rejected a message: its header as read, why, whether the stream is lost.
    using RejectedCallback = Callback<void, const FedMoeHeader&, FedMoeRejection, bool>;

    /**
     * \brief Set where events are reported (before Connect).
     * \param connected the connection is up
     * \param failed the connection attempt failed (refused, timed out)
     * \param peerClosed the server closed the connection
     * \param lost the connection broke
     * \param message well-formed messages
     * \param rejected framing rejections
     */
    void SetCallbacks(EventCallback connected, EventCallback failed, EventCallback peerClosed,
                      EventCallback lost, MessageCallback message, RejectedCallback rejected);

    /**
     * \brief Open the connection.
     * \param node the client's node
     * \param server the server's address and port (an InetSocketAddress)
     * \param maxPayload largest message payload accepted, bytes
     */
    virtual void Connect(Ptr<Node> node, const Address& server, uint32_t maxPayload) = 0;

    /**
     * \brief Send a message (after the connection is up).
     * \param message header + payload
     */
    virtual void Send(Ptr<Packet> message) = 0;

    /**
     * \brief Let go of the connection; nothing more is reported.
     * \param orderly tell the server (FIN); false: send nothing (disposal,
     *        when the node's devices may be gone)
     */
    virtual void Close(bool orderly) = 0;

  protected:
    void DoDispose() override;

    EventCallback m_connected;   //!< connection up
    EventCallback m_failed;      //!< connection attempt failed
    EventCallback m_peerClosed;  //!< closed by the server
    EventCallback m_lost;        //!< connection broke
    MessageCallback m_message;   //!< well-formed messages
    RejectedCallback m_rejected; //!< framing rejections
};

} // namespace ns3

#endif // FEDMOE_CLIENT_TRANSPORT_H
