// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeHeader: the header every fedmoe message starts with on the wire.
 */

#ifndef FEDMOE_HEADER_H
#define FEDMOE_HEADER_H

#include "ns3/header.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief The kinds of fedmoe messages.
 */
enum class FedMoeMessageType : uint8_t
{
    HELLO = 1,  //!< client -> server: self-reported profile
    ASSIGN = 2, //!< server -> client: round, deadline, expert ids, gate + expert parameters
    UPDATE = 3, //!< client -> server: trained parameters and training statistics
};

/**
 * \ingroup fedmoe-federation
 * \brief The name of a message type ("HELLO", ...), or "UNKNOWN(n)".
 * \param type the type
 * \return its name
 */
std::string ToString(FedMoeMessageType type);

/**
 * \ingroup fedmoe-federation
 * \brief Why a message read from the wire was rejected.
 */
enum class FedMoeRejection : uint8_t
{
    NONE = 0,         //!< not rejected
    BAD_MAGIC,        //!< the first four bytes are not the fedmoe magic
    BAD_VERSION,      //!< a wire-format version this code does not speak
    BAD_TYPE,         //!< a message type outside FedMoeMessageType
    LENGTH_TOO_LARGE, //!< a payload length beyond the reader's limit
    BAD_CHECKSUM,     //!< the payload's CRC-32 differs from the header's
    BAD_PAYLOAD,      //!< the payload does not parse as its type says
    UNEXPECTED,       //!< well formed, but not expected (wrong round, expert or sender)
};

/**
 * \ingroup fedmoe-federation
 * \brief The name of a rejection reason ("BAD_MAGIC", ...).
 * \param reason the reason
 * \return its name
 */
std::string ToString(FedMoeRejection reason);

/**
 * \ingroup fedmoe-federation
 * \brief The header that starts every fedmoe message.
 *
 * Layout (network byte order, 24 bytes):
 *
 *     0       4   5   6       8          12          16          20          24
 *     | magic |ver|typ| rsvd  |  round   | client id | pay. len  |  CRC-32   |
 *
 * The payload of `payload length` bytes follows. The checksum is the CRC-32
 * (IEEE 802.3, as in zlib and Ethernet) of the payload.
 *
 * Deserialize() reads the fields as they are; whether they can be trusted is
 * Validate()'s question, so a reader can reject (and trace) a bad message
 * instead of acting on it.
 */
class FedMoeHeader : public Header
{
  public:
    static constexpr uint32_t MAGIC = 0x464D4F45;   //!< "FMOE"
    static constexpr uint8_t VERSION = 1;           //!< the wire-format version written
    static constexpr uint32_t SERIALIZED_SIZE = 24; //!< bytes on the wire

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    /** \brief A header with the current magic and version, type HELLO, all else zero. */
    FedMoeHeader();

    /**
     * \brief A header for a payload: sets the length and the checksum from it.
     * \param type message type
     * \param round federated round the message belongs to
     * \param clientId the client the message is from or to
     * \param payload the payload that will follow the header
     */
    FedMoeHeader(FedMoeMessageType type, uint32_t round, uint32_t clientId,
                 const std::vector<uint8_t>& payload);

    /**
     * \brief CRC-32 (IEEE 802.3) of a byte range.
     * \param data first byte
     * \param size number of bytes
     * \return the checksum ("123456789" gives 0xCBF43926)
     */
    static uint32_t Checksum(const uint8_t* data, size_t size);

    /**
     * \brief Check the fields that can be checked without the payload.
     * \param maxPayloadLength the largest payload the reader accepts
     * \return NONE, BAD_MAGIC, BAD_VERSION, BAD_TYPE or LENGTH_TOO_LARGE
     */
    FedMoeRejection Validate(uint32_t maxPayloadLength) const;

    /**
     * \brief Check a received payload against the header's length and checksum.
     * \param data first byte of the payload
     * \param size number of payload bytes
     * \return NONE or BAD_CHECKSUM
     */
    FedMoeRejection ValidatePayload(const uint8_t* data, size_t size) const;

    /** \return the magic number read or written */
    uint32_t GetMagic() const;
    /** \return the wire-format version */
    uint8_t GetVersion() const;
    /** \return the raw message type byte */
    uint8_t GetTypeByte() const;
    /** \return the message type (meaningful when Validate() passed) */
    FedMoeMessageType GetMessageType() const;
    /** \return the round */
    uint32_t GetRound() const;
    /** \return the client id */
    uint32_t GetClientId() const;
    /** \return the payload length in bytes */
    uint32_t GetPayloadLength() const;
    /** \return the payload's CRC-32 */
    uint32_t GetChecksum() const;

    /** \param type the message type */
    void SetMessageType(FedMoeMessageType type);
    /** \param round the round */
    void SetRound(uint32_t round);
    /** \param clientId the client id */
    void SetClientId(uint32_t clientId);
    /**
     * \brief Set the payload length and checksum from a payload.
     * \param payload the payload that will follow the header
     */
    void SetPayload(const std::vector<uint8_t>& payload);

    // Inherited from Header
    TypeId GetInstanceTypeId() const override;
    void Print(std::ostream& os) const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(Buffer::Iterator start) const override;
    uint32_t Deserialize(Buffer::Iterator start) override;

  private:
    uint32_t m_magic{MAGIC};                                        //!< magic number
    uint8_t m_version{VERSION};                                     //!< wire-format version
    uint8_t m_type{static_cast<uint8_t>(FedMoeMessageType::HELLO)}; //!< message type byte
    uint32_t m_round{0};                                            //!< round
    uint32_t m_clientId{0};                                         //!< client id
    uint32_t m_payloadLength{0};                                    //!< payload bytes that follow
    uint32_t m_checksum{0};                                         //!< CRC-32 of the payload
};

} // namespace ns3

#endif // FEDMOE_HEADER_H
