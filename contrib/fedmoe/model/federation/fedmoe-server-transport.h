// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeServerTransport: how the server reaches its clients. The server
 * application speaks HELLO/ASSIGN/UPDATE through it and never touches a
 * socket; FedMoeTcpServerTransport is the packet-level implementation, a
 * flow-level model is another.
 */

#ifndef FEDMOE_SERVER_TRANSPORT_H
#define FEDMOE_SERVER_TRANSPORT_H

#include "fedmoe-header.h"
#include "fedmoe-message-framer.h"

#include "ns3/callback.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/packet.h"

#include <cstdint>
#include <map>
#include <string>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief The server's side of the links to its clients: whole messages in
 *        and out, with the timing the channel estimates need.
 *
 * A link is one client connection, named by a number the transport chooses;
 * which client it belongs to is the server's business (HELLO). Messages
 * arrive framed (FedMoeMessageFramer rules: a bad header or checksum is
 * reported, never delivered); when framing cannot resynchronise the
 * transport closes the link after reporting it.
 */
class FedMoeServerTransport : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    /// A well-formed message arrived: link, message, time from its first to its last byte.
    using MessageCallback = Callback<void, uint32_t, const FedMoeMessage&, Time>;
    /// The framer rejected a message: link, its header as read, why.
    using RejectedCallback = Callback<void, uint32_t, const FedMoeHeader&, FedMoeRejection>;
    /// Bytes arrived on a link (of any message, complete or not): link, bytes.
    using BytesCallback = Callback<void, uint32_t, uint64_t>;
    /// A link closed (by the peer, or it broke): link.
    using ClosedCallback = Callback<void, uint32_t>;
    /// Everything sent on a link so far was delivered.
    using DeliveredCallback = Callback<void>;

    /**
     * \brief Set where arrivals are reported (before Start).
     * \param message well-formed messages
     * \param rejected framing rejections
     * \param bytes bytes as they arrive
     * \param closed links that closed
     */
    void SetReceiveCallbacks(MessageCallback message, RejectedCallback rejected,
                             BytesCallback bytes, ClosedCallback closed);

    /**
     * \brief Start accepting links on a node.
     * \param node the server's node
     * \return empty, or why it cannot
     */
    virtual std::string Start(Ptr<Node> node) = 0;

    /**
     * \brief Send a message on a link.
     * \param link the link
     * \param message header + payload
     * \param delivered called once when all sent on the link so far is delivered (may be null)
     */
    virtual void Send(uint32_t link, Ptr<Packet> message, DeliveredCallback delivered) = 0;

    /**
     * \brief Close a link (nothing more is reported for it).
     * \param link the link
     */
    virtual void Close(uint32_t link) = 0;

    /** \brief Refuse new links from now on. */
    virtual void StopAccepting() = 0;

    /** \brief Close every link and refuse new ones (the end of the run). */
    virtual void Stop() = 0;

    /** \brief Start a new window of round-trip time samples (the start of a round). */
    virtual void RestartRttWindow() = 0;

    /** \return per open link, the smallest RTT sample of the window (links without one absent) */
    virtual std::map<uint32_t, Time> GetMinRtts() const = 0;

  protected:
    void DoDispose() override;

    MessageCallback m_message;   //!< well-formed messages
    RejectedCallback m_rejected; //!< framing rejections
    BytesCallback m_bytes;       //!< bytes as they arrive
    ClosedCallback m_closed;     //!< closed links
};

} // namespace ns3

#endif // FEDMOE_SERVER_TRANSPORT_H
