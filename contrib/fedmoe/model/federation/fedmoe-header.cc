// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeHeader: the header every fedmoe message starts with on the wire.
 */

#include "fedmoe-header.h"

#include "ns3/log.h"

#include <zlib.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeHeader");

NS_OBJECT_ENSURE_REGISTERED(FedMoeHeader);

std::string
ToString(FedMoeMessageType type)
{
    switch (type)
    {
        case FedMoeMessageType::HELLO:
            return "HELLO";
        case FedMoeMessageType::ASSIGN:
            return "ASSIGN";
        case FedMoeMessageType::UPDATE:
            return "UPDATE";
    }
    return "UNKNOWN(" + std::to_string(static_cast<unsigned>(type)) + ")";
}

std::string
ToString(FedMoeRejection reason)
{
    switch (reason)
    {
        case FedMoeRejection::NONE:
            return "NONE";
        case FedMoeRejection::BAD_MAGIC:
            return "BAD_MAGIC";
        case FedMoeRejection::BAD_VERSION:
            return "BAD_VERSION";
        case FedMoeRejection::BAD_TYPE:
            return "BAD_TYPE";
        case FedMoeRejection::LENGTH_TOO_LARGE:
            return "LENGTH_TOO_LARGE";
        case FedMoeRejection::BAD_CHECKSUM:
            return "BAD_CHECKSUM";
        case FedMoeRejection::BAD_PAYLOAD:
            return "BAD_PAYLOAD";
        case FedMoeRejection::UNEXPECTED:
            return "UNEXPECTED";
    }
    return "UNKNOWN(" + std::to_string(static_cast<unsigned>(reason)) + ")";
}

TypeId
FedMoeHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::FedMoeHeader")
                            .SetParent<Header>()
                            .SetGroupName("FedMoe")
                            .AddConstructor<FedMoeHeader>();
    return tid;
}

FedMoeHeader::FedMoeHeader() = default;

FedMoeHeader::FedMoeHeader(FedMoeMessageType type, uint32_t round, uint32_t clientId,
                           const std::vector<uint8_t>& payload)
    : m_type(static_cast<uint8_t>(type)),
      m_round(round),
      m_clientId(clientId)
{
    SetPayload(payload);
}

uint32_t
FedMoeHeader::Checksum(const uint8_t* data, size_t size)
{
    // zlib's CRC-32 is the same checksum as boost::crc_32_type (IEEE 802.3),
    // several times faster on the megabytes a round frames.
    uLong crc = crc32_z(0L, Z_NULL, 0);
    return static_cast<uint32_t>(crc32_z(crc, data, size));
}

FedMoeRejection
FedMoeHeader::Validate(uint32_t maxPayloadLength) const
{
    if (m_magic != MAGIC)
    {
        return FedMoeRejection::BAD_MAGIC;
    }
    if (m_version != VERSION)
    {
        return FedMoeRejection::BAD_VERSION;
    }
    if (m_type < static_cast<uint8_t>(FedMoeMessageType::HELLO)
        || m_type > static_cast<uint8_t>(FedMoeMessageType::UPDATE))
    {
        return FedMoeRejection::BAD_TYPE;
    }
    if (m_payloadLength > maxPayloadLength)
    {
        return FedMoeRejection::LENGTH_TOO_LARGE;
    }
    return FedMoeRejection::NONE;
}

FedMoeRejection
FedMoeHeader::ValidatePayload(const uint8_t* data, size_t size) const
{
    if (size != m_payloadLength || Checksum(data, size) != m_checksum)
    {
        return FedMoeRejection::BAD_CHECKSUM;
    }
    return FedMoeRejection::NONE;
}

uint32_t
FedMoeHeader::GetMagic() const
{
    return m_magic;
}

uint8_t
FedMoeHeader::GetVersion() const
{
    return m_version;
}

uint8_t
FedMoeHeader::GetTypeByte() const
{
    return m_type;
}

FedMoeMessageType
FedMoeHeader::GetMessageType() const
{
    return static_cast<FedMoeMessageType>(m_type);
}

uint32_t
FedMoeHeader::GetRound() const
{
    return m_round;
}

uint32_t
FedMoeHeader::GetClientId() const
{
    return m_clientId;
}

uint32_t
FedMoeHeader::GetPayloadLength() const
{
    return m_payloadLength;
}

uint32_t
FedMoeHeader::GetChecksum() const
{
    return m_checksum;
}

void
FedMoeHeader::SetMessageType(FedMoeMessageType type)
{
    m_type = static_cast<uint8_t>(type);
}

void
FedMoeHeader::SetRound(uint32_t round)
{
    m_round = round;
}

void
FedMoeHeader::SetClientId(uint32_t clientId)
{
    m_clientId = clientId;
}

void
FedMoeHeader::SetPayload(const std::vector<uint8_t>& payload)
{
    NS_ABORT_MSG_IF(payload.size() > UINT32_MAX,
                    "FedMoeHeader: payload of " << payload.size()
                                                << " bytes does not fit the 32-bit length field");
    m_payloadLength = static_cast<uint32_t>(payload.size());
    m_checksum = Checksum(payload.data(), payload.size());
}

TypeId
FedMoeHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

void
FedMoeHeader::Print(std::ostream& os) const
{
    os << "FedMoe " << ToString(static_cast<FedMoeMessageType>(m_type)) << " v"
       << static_cast<unsigned>(m_version) << " round=" << m_round << " client=" << m_clientId
       << " length=" << m_payloadLength << " crc=0x" << std::hex << m_checksum << std::dec;
    if (m_magic != MAGIC)
    {
        os << " BAD-MAGIC=0x" << std::hex << m_magic << std::dec;
    }
}

uint32_t
FedMoeHeader::GetSerializedSize() const
{
    return SERIALIZED_SIZE;
}

void
FedMoeHeader::Serialize(Buffer::Iterator start) const
{
    start.WriteHtonU32(m_magic);
    start.WriteU8(m_version);
    start.WriteU8(m_type);
    start.WriteHtonU16(0); // reserved
    start.WriteHtonU32(m_round);
    start.WriteHtonU32(m_clientId);
    start.WriteHtonU32(m_payloadLength);
    start.WriteHtonU32(m_checksum);
}

uint32_t
FedMoeHeader::Deserialize(Buffer::Iterator start)
{
    m_magic = start.ReadNtohU32();
    m_version = start.ReadU8();
    m_type = start.ReadU8();
    start.ReadNtohU16(); // reserved
    m_round = start.ReadNtohU32();
    m_clientId = start.ReadNtohU32();
    m_payloadLength = start.ReadNtohU32();
    m_checksum = start.ReadNtohU32();
    return SERIALIZED_SIZE;
}

} // namespace ns3
