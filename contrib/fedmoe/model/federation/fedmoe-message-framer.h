// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeMessageFramer: rebuilds fedmoe messages from a TCP byte stream.
 */

#ifndef FEDMOE_MESSAGE_FRAMER_H
#define FEDMOE_MESSAGE_FRAMER_H

#include "fedmoe-header.h"

#include "ns3/packet.h"
#include "ns3/ptr.h"

#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief One message off the wire: its header and its payload bytes.
 */
struct FedMoeMessage
{
    FedMoeHeader header;          //!< the header as read
    std::vector<uint8_t> payload; //!< the payload (empty when the header was rejected)
};

/**
 * \ingroup fedmoe-federation
 * \brief Rebuilds messages (FedMoeHeader + payload) from the byte stream of a
 * TCP socket, which delivers them cut at arbitrary points.
 *
 * Nothing read is trusted: the header is validated (magic, version, type,
 * length against a limit) before any payload is buffered for it, and the
 * payload against the header's CRC-32. A payload with a bad checksum is
 * dropped and the stream stays in step (its length was plausible). A bad
 * header leaves no way to find the next message, so the framer turns
 * *broken*: it drops everything buffered and all later bytes, and the owner
 * should close the connection.
 */
class FedMoeMessageFramer
{
  public:
    /** \brief What Next() found. */
    enum class Status
    {
        NEED_MORE, //!< no complete message buffered yet
        MESSAGE,   //!< a valid message
        REJECTED,  //!< a rejected message (see the reason); check IsBroken()
    };

    /** \brief Result of Next(). */
    struct Result
    {
        Status status{Status::NEED_MORE};              //!< what was found
        FedMoeRejection reason{FedMoeRejection::NONE}; //!< why, when REJECTED
        FedMoeMessage message;                         //!< the message (header only when REJECTED)
    };

    /**
     * \brief A framer that accepts payloads up to a limit.
     * \param maxPayloadLength the largest payload accepted, in bytes
     */
    explicit FedMoeMessageFramer(uint32_t maxPayloadLength);

    /**
     * \brief Append the bytes of a packet received from the stream.
     * \param packet the packet
     */
    void Append(Ptr<const Packet> packet);

    /**
     * \brief Append raw bytes received from the stream.
     * \param data first byte
     * \param size number of bytes
     */
    void Append(const uint8_t* data, size_t size);

    /**
     * \brief Take the next complete message, if any.
     * \return the result; call again until NEED_MORE
     */
    Result Next();

    /** \return true after a header was rejected: the stream cannot be trusted any more */
    bool IsBroken() const;

    /** \return bytes buffered and not yet returned in a message */
    size_t GetBufferedBytes() const;

    /** \return total bytes appended so far (including those dropped when broken) */
    uint64_t GetTotalBytes() const;

    /**
     * \brief Build the packet for a message: header then payload.
     * \param type message type
     * \param round the round
     * \param clientId the client the message is from or to
     * \param payload the payload bytes
     * \return the packet (FedMoeHeader::SERIALIZED_SIZE + payload bytes)
     */
    static Ptr<Packet> Encode(FedMoeMessageType type, uint32_t round, uint32_t clientId,
                              const std::vector<uint8_t>& payload);

  private:
    uint32_t m_maxPayloadLength;   //!< largest payload accepted
    std::vector<uint8_t> m_buffer; //!< bytes not yet consumed, starting at m_offset
    size_t m_offset{0};            //!< first unconsumed byte of m_buffer
    bool m_broken{false};          //!< a header was rejected
    uint64_t m_totalBytes{0};      //!< bytes appended
};

} // namespace ns3

#endif // FEDMOE_MESSAGE_FRAMER_H
