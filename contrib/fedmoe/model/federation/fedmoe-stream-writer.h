// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeStreamWriter: queues whole messages on a TCP socket and hands them to
 * TCP as its send buffer frees, telling its owner when a message has been
 * handed over completely and when every byte has been acknowledged.
 */

#ifndef FEDMOE_STREAM_WRITER_H
#define FEDMOE_STREAM_WRITER_H

#include "ns3/callback.h"
#include "ns3/packet.h"
#include "ns3/ptr.h"
#include "ns3/socket.h"

#include <cstdint>
#include <deque>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief A send queue in front of a TCP socket.
 *
 * Socket::Send accepts only what fits in the send buffer; messages of
 * hundreds of kilobytes have to be fed in pieces from the socket's send
 * callback. The writer takes over that callback.
 */
class FedMoeStreamWriter
{
  public:
    /** \brief Callback: the bytes of every queued message are acknowledged by the peer. */
    using DrainedCallback = Callback<void>;

    FedMoeStreamWriter();

    /**
     * \brief Attach to a connected socket (installs its send callback).
     * \param socket the socket
     */
    void Attach(Ptr<Socket> socket);

    /** \brief Forget the socket and drop whatever is queued. */
    void Detach();

    /**
     * \brief Queue a message and send as much of it as TCP takes now.
     * \param packet the message (header + payload)
     */
    void Send(Ptr<Packet> packet);

    /**
     * \brief Set what to call when everything queued has been acknowledged.
     * \param cb the callback (null: nothing)
     */
    void SetDrainedCallback(DrainedCallback cb);

    /** \return bytes queued and not yet handed to TCP */
    uint64_t GetQueuedBytes() const;

    /** \return bytes handed to TCP so far */
    uint64_t GetSentBytes() const;

  private:
    /// Hands queued bytes to TCP while it has room.
    void Pump();
    /// The socket's send callback.
    void OnSendReady(Ptr<Socket> socket, uint32_t available);
    /// True when TCP holds no unacknowledged byte.
    bool TcpIdle() const;

    Ptr<Socket> m_socket;            //!< the socket
    std::deque<Ptr<Packet>> m_queue; //!< messages not yet fully handed over
    uint32_t m_offset{0};            //!< bytes of m_queue.front() handed over
    uint64_t m_queuedBytes{0};       //!< bytes not yet handed over
    uint64_t m_sentBytes{0};         //!< bytes handed over
    uint32_t m_bufferSize{0};        //!< TCP send buffer size
    bool m_waitingForDrain{false};   //!< a drain callback is due
    DrainedCallback m_drained;       //!< owner's callback
};

} // namespace ns3

#endif // FEDMOE_STREAM_WRITER_H
