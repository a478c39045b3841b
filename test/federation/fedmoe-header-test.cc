// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeHeader: byte layout, checksum and validation.
 */

#include "ns3/fedmoe-header.h"
#include "ns3/packet.h"

#include <gtest/gtest.h>

#include <string>

using namespace ns3;

namespace
{

std::vector<uint8_t>
Bytes(const std::string& s)
{
    return std::vector<uint8_t>(s.begin(), s.end());
}

std::vector<uint8_t>
Serialize(const FedMoeHeader& header)
{
    Ptr<Packet> p = Create<Packet>();
    p->AddHeader(header);
    std::vector<uint8_t> out(p->GetSize());
    p->CopyData(out.data(), out.size());
    return out;
}

} // namespace

TEST(FedMoeHeader, ChecksumIsCrc32Ieee)
{
    // The standard CRC-32 check value.
    const auto data = Bytes("123456789");
    EXPECT_EQ(FedMoeHeader::Checksum(data.data(), data.size()), 0xCBF43926u);
    EXPECT_EQ(FedMoeHeader::Checksum(nullptr, 0), 0u);
}

TEST(FedMoeHeader, SerializesToTheDocumentedLayout)
{
    const FedMoeHeader header(FedMoeMessageType::ASSIGN, 7, 3, Bytes("123456789"));
    const std::vector<uint8_t> expected = {
        0x46, 0x4D, 0x4F, 0x45, // "FMOE"
        0x01,                   // version
        0x02,                   // ASSIGN
        0x00, 0x00,             // reserved
        0x00, 0x00, 0x00, 0x07, // round
        0x00, 0x00, 0x00, 0x03, // client
        0x00, 0x00, 0x00, 0x09, // payload length
        0xCB, 0xF4, 0x39, 0x26, // CRC-32 of "123456789"
    };
    EXPECT_EQ(Serialize(header), expected);
    EXPECT_EQ(header.GetSerializedSize(), FedMoeHeader::SERIALIZED_SIZE);
}

TEST(FedMoeHeader, RoundTripsThroughAPacket)
{
    const auto payload = Bytes("gate and experts");
    Ptr<Packet> p = Create<Packet>(payload.data(), payload.size());
    p->AddHeader(FedMoeHeader(FedMoeMessageType::UPDATE, 42, 1234567, payload));

    FedMoeHeader read;
    EXPECT_EQ(p->RemoveHeader(read), FedMoeHeader::SERIALIZED_SIZE);
    EXPECT_EQ(read.Validate(1024), FedMoeRejection::NONE);
    EXPECT_EQ(read.GetMessageType(), FedMoeMessageType::UPDATE);
    EXPECT_EQ(read.GetRound(), 42u);
    EXPECT_EQ(read.GetClientId(), 1234567u);
    EXPECT_EQ(read.GetPayloadLength(), payload.size());
    std::vector<uint8_t> rest(p->GetSize());
    p->CopyData(rest.data(), rest.size());
    EXPECT_EQ(rest, payload);
    EXPECT_EQ(read.ValidatePayload(rest.data(), rest.size()), FedMoeRejection::NONE);
}

TEST(FedMoeHeader, ValidateNamesWhatIsWrong)
{
    auto bytes = Serialize(FedMoeHeader(FedMoeMessageType::HELLO, 0, 1, Bytes("abc")));
    auto parse = [](const std::vector<uint8_t>& b)
    {
        Ptr<Packet> p = Create<Packet>(b.data(), b.size());
        FedMoeHeader h;
        p->RemoveHeader(h);
        return h;
    };
    EXPECT_EQ(parse(bytes).Validate(3), FedMoeRejection::NONE);
    EXPECT_EQ(parse(bytes).Validate(2), FedMoeRejection::LENGTH_TOO_LARGE);

    auto badMagic = bytes;
    badMagic[0] ^= 0xFF;
    EXPECT_EQ(parse(badMagic).Validate(100), FedMoeRejection::BAD_MAGIC);

    auto badVersion = bytes;
    badVersion[4] = 2;
    EXPECT_EQ(parse(badVersion).Validate(100), FedMoeRejection::BAD_VERSION);

    for (uint8_t type : {0, 4, 255})
    {
        auto badType = bytes;
        badType[5] = type;
        EXPECT_EQ(parse(badType).Validate(100), FedMoeRejection::BAD_TYPE) << int(type);
    }

    const auto header = parse(bytes);
    const auto good = Bytes("abc");
    const auto flipped = Bytes("abd");
    EXPECT_EQ(header.ValidatePayload(good.data(), good.size()), FedMoeRejection::NONE);
    EXPECT_EQ(header.ValidatePayload(flipped.data(), flipped.size()),
              FedMoeRejection::BAD_CHECKSUM);
    EXPECT_EQ(header.ValidatePayload(good.data(), 2), FedMoeRejection::BAD_CHECKSUM);
}

TEST(FedMoeHeader, PrintsForAsciiTraces)
{
    std::ostringstream os;
    FedMoeHeader(FedMoeMessageType::UPDATE, 5, 9, Bytes("xy")).Print(os);
    EXPECT_EQ(os.str().rfind("FedMoe UPDATE v1 round=5 client=9 length=2", 0), 0u) << os.str();
    EXPECT_EQ(ToString(FedMoeRejection::BAD_CHECKSUM), "BAD_CHECKSUM");
    EXPECT_EQ(ToString(static_cast<FedMoeMessageType>(9)), "UNKNOWN(9)");
}
