// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeMessageFramer: messages rebuilt from a stream cut anywhere; bad
 * bytes rejected, never trusted.
 */

#include "ns3/fedmoe-message-framer.h"

#include <gtest/gtest.h>

#include <random>

using namespace ns3;

namespace
{

std::vector<uint8_t>
Wire(FedMoeMessageType type, uint32_t round, uint32_t client, const std::vector<uint8_t>& payload)
{
    Ptr<Packet> p = FedMoeMessageFramer::Encode(type, round, client, payload);
    std::vector<uint8_t> out(p->GetSize());
    p->CopyData(out.data(), out.size());
    return out;
}

std::vector<uint8_t>
RandomBytes(size_t n, std::mt19937& rng)
{
    std::vector<uint8_t> out(n);
    for (auto& b : out)
    {
        b = static_cast<uint8_t>(rng());
    }
    return out;
}

} // namespace

TEST(FedMoeMessageFramer, RebuildsMessagesCutAtRandomPoints)
{
    std::mt19937 rng(1);
    std::vector<std::vector<uint8_t>> payloads;
    std::vector<uint8_t> stream;
    for (uint32_t i = 0; i < 50; ++i)
    {
        payloads.push_back(RandomBytes(rng() % 3000, rng)); // includes empty payloads
        auto wire = Wire(FedMoeMessageType::UPDATE, i, 100 + i, payloads.back());
        stream.insert(stream.end(), wire.begin(), wire.end());
    }

    FedMoeMessageFramer framer(4096);
    size_t pos = 0;
    uint32_t received = 0;
    while (pos < stream.size())
    {
        const size_t chunk = std::min<size_t>(1 + rng() % 1500, stream.size() - pos);
        framer.Append(Create<Packet>(stream.data() + pos, chunk));
        pos += chunk;
        for (auto r = framer.Next(); r.status != FedMoeMessageFramer::Status::NEED_MORE;
             r = framer.Next())
        {
            ASSERT_EQ(r.status, FedMoeMessageFramer::Status::MESSAGE);
            EXPECT_EQ(r.message.header.GetRound(), received);
            EXPECT_EQ(r.message.header.GetClientId(), 100 + received);
            EXPECT_EQ(r.message.payload, payloads[received]);
            ++received;
        }
    }
    EXPECT_EQ(received, 50u);
    EXPECT_EQ(framer.GetBufferedBytes(), 0u);
    EXPECT_EQ(framer.GetTotalBytes(), stream.size()); // every byte accounted for
}

TEST(FedMoeMessageFramer, CorruptPayloadIsRejectedAndTheStreamGoesOn)
{
    const std::vector<uint8_t> a = {1, 2, 3, 4}, b = {5, 6, 7};
    auto first = Wire(FedMoeMessageType::ASSIGN, 1, 1, a);
    auto second = Wire(FedMoeMessageType::ASSIGN, 1, 2, b);
    first.back() ^= 0x01; // flip one payload bit

    FedMoeMessageFramer framer(64);
    framer.Append(first.data(), first.size());
    framer.Append(second.data(), second.size());

    auto r = framer.Next();
    EXPECT_EQ(r.status, FedMoeMessageFramer::Status::REJECTED);
    EXPECT_EQ(r.reason, FedMoeRejection::BAD_CHECKSUM);
    EXPECT_EQ(r.message.header.GetClientId(), 1u);
    EXPECT_TRUE(r.message.payload.empty());
    EXPECT_FALSE(framer.IsBroken());

    r = framer.Next();
    ASSERT_EQ(r.status, FedMoeMessageFramer::Status::MESSAGE);
    EXPECT_EQ(r.message.payload, b);
    EXPECT_EQ(framer.Next().status, FedMoeMessageFramer::Status::NEED_MORE);
}

TEST(FedMoeMessageFramer, BadHeaderBreaksTheStream)
{
    struct Case
    {
        size_t byte;
        uint8_t value;
        FedMoeRejection reason;
    };

    const std::vector<uint8_t> payload(10, 0xAB);
    for (const Case& c :
         {Case{0, 0x00, FedMoeRejection::BAD_MAGIC}, Case{4, 0x07, FedMoeRejection::BAD_VERSION},
          Case{5, 0x09, FedMoeRejection::BAD_TYPE},
          Case{16, 0x7F, FedMoeRejection::LENGTH_TOO_LARGE}})
    {
        auto wire = Wire(FedMoeMessageType::HELLO, 0, 3, payload);
        wire[c.byte] = c.value;
        auto good = Wire(FedMoeMessageType::HELLO, 0, 4, payload);

        FedMoeMessageFramer framer(1000);
        framer.Append(wire.data(), wire.size());
        auto r = framer.Next();
        EXPECT_EQ(r.status, FedMoeMessageFramer::Status::REJECTED) << ToString(c.reason);
        EXPECT_EQ(r.reason, c.reason);
        EXPECT_TRUE(framer.IsBroken());
        EXPECT_EQ(framer.GetBufferedBytes(), 0u);

        // Nothing after a bad header is trusted, even a well-formed message.
        framer.Append(good.data(), good.size());
        EXPECT_EQ(framer.Next().status, FedMoeMessageFramer::Status::NEED_MORE);
        EXPECT_EQ(framer.GetTotalBytes(), wire.size() + good.size());
    }
}

TEST(FedMoeMessageFramer, HugeLengthIsRejectedBeforeAnyPayloadIsBuffered)
{
    // A header that claims 4 GiB must not make the reader wait for, or
    // allocate, 4 GiB.
    auto wire = Wire(FedMoeMessageType::UPDATE, 0, 0, {});
    wire[16] = wire[17] = wire[18] = wire[19] = 0xFF;
    FedMoeMessageFramer framer(1 << 20);
    framer.Append(wire.data(), FedMoeHeader::SERIALIZED_SIZE);
    auto r = framer.Next();
    EXPECT_EQ(r.reason, FedMoeRejection::LENGTH_TOO_LARGE);
    EXPECT_EQ(r.message.header.GetPayloadLength(), 0xFFFFFFFFu);
}

TEST(FedMoeMessageFramer, WaitsForAWholeHeaderAndPayload)
{
    const std::vector<uint8_t> payload(100, 1);
    auto wire = Wire(FedMoeMessageType::UPDATE, 2, 2, payload);
    FedMoeMessageFramer framer(100);
    framer.Append(wire.data(), 10);
    EXPECT_EQ(framer.Next().status, FedMoeMessageFramer::Status::NEED_MORE);
    framer.Append(wire.data() + 10, wire.size() - 11);
    EXPECT_EQ(framer.Next().status, FedMoeMessageFramer::Status::NEED_MORE);
    EXPECT_EQ(framer.GetBufferedBytes(), wire.size() - 1);
    framer.Append(wire.data() + wire.size() - 1, 1);
    EXPECT_EQ(framer.Next().status, FedMoeMessageFramer::Status::MESSAGE);
}
