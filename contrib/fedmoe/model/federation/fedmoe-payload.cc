// SPDX-License-Identifier: GPL-2.0-only
/*
 * The payloads of fedmoe messages (HELLO, ASSIGN, UPDATE) and their
 * bounds-checked encoding.
 */

#include "fedmoe-payload.h"

#include <boost/endian/conversion.hpp>

#include <cmath>
#include <cstring>
#include <stdexcept>

namespace ns3
{

namespace
{

/** Appends fields in network byte order. */
class Writer
{
  public:
    void U32(uint32_t v)
    {
        uint8_t b[4];
        boost::endian::store_big_u32(b, v);
        m_out.insert(m_out.end(), b, b + 4);
    }

    void U64(uint64_t v)
    {
        uint8_t b[8];
        boost::endian::store_big_u64(b, v);
        m_out.insert(m_out.end(), b, b + 8);
    }

    void F64(double v)
    {
        uint64_t bits;
        std::memcpy(&bits, &v, sizeof bits);
        U64(bits);
    }

    void F32(float v)
    {
        uint32_t bits;
        std::memcpy(&bits, &v, sizeof bits);
        U32(bits);
    }

    void Blob(const uint8_t* data, size_t size)
    {
        if (size > UINT32_MAX)
        {
            throw std::length_error("FedMoePayload: a field of " + std::to_string(size)
                                    + " bytes does not fit a 32-bit length");
        }
        U32(static_cast<uint32_t>(size));
        m_out.insert(m_out.end(), data, data + size);
    }

    void Blob(const FedMoeBytes& b)
    {
        Blob(b.data(), b.size());
    }

    FedMoeBytes Take()
    {
        return std::move(m_out);
    }

  private:
    FedMoeBytes m_out;
};

/** Reads fields; the first failure sticks and names the field. */
class Reader
{
  public:
    explicit Reader(const FedMoeBytes& in)
        : m_in(in)
    {
    }

    bool Need(size_t n, const char* field)
    {
        if (!m_error.empty())
        {
            return false;
        }
        if (m_in.size() - m_pos < n)
        {
            Fail(field, "needs " + std::to_string(n) + " bytes, "
                            + std::to_string(m_in.size() - m_pos) + " remain");
            return false;
        }
        return true;
    }

    uint32_t U32(const char* field)
    {
        if (!Need(4, field))
        {
            return 0;
        }
        uint32_t v = boost::endian::load_big_u32(m_in.data() + m_pos);
        m_pos += 4;
        return v;
    }

    uint64_t U64(const char* field)
    {
        if (!Need(8, field))
        {
            return 0;
        }
        uint64_t v = boost::endian::load_big_u64(m_in.data() + m_pos);
        m_pos += 8;
        return v;
    }

    double F64(const char* field, bool nonNegative = true)
    {
        uint64_t bits = U64(field);
        double v;
        std::memcpy(&v, &bits, sizeof v);
        Check(std::isfinite(v) && (!nonNegative || v >= 0), field,
              "must be a finite number" + std::string(nonNegative ? " >= 0" : ""));
        return v;
    }

    float F32(const char* field)
    {
        uint32_t bits = U32(field);
        float v;
        std::memcpy(&v, &bits, sizeof v);
        Check(std::isfinite(v) && v >= 0, field, "must be a finite number >= 0");
        return v;
    }

    /** A count of items of at least itemBytes each, bounded by the bytes left. */
    uint32_t Count(const char* field, uint32_t max, size_t itemBytes)
    {
        uint32_t n = U32(field);
        if (!m_error.empty())
        {
            return 0;
        }
        if (n > max || (itemBytes > 0 && n > (m_in.size() - m_pos) / itemBytes))
        {
            Fail(field, "count " + std::to_string(n) + " exceeds the limit (" + std::to_string(max)
                            + ") or the bytes that remain");
            return 0;
        }
        return n;
    }

    FedMoeBytes Blob(const char* field)
    {
        uint32_t n = U32(field);
        if (!Need(n, field))
        {
            return {};
        }
        FedMoeBytes out(m_in.begin() + static_cast<std::ptrdiff_t>(m_pos),
                        m_in.begin() + static_cast<std::ptrdiff_t>(m_pos + n));
        m_pos += n;
        return out;
    }

    void Check(bool ok, const char* field, const std::string& what)
    {
        if (!ok && m_error.empty())
        {
            Fail(field, what);
        }
    }

    std::string Finish()
    {
        if (m_error.empty() && m_pos != m_in.size())
        {
            m_error = std::to_string(m_in.size() - m_pos) + " trailing bytes";
        }
        return m_error;
    }

  private:
    void Fail(const char* field, const std::string& what)
    {
        m_error = std::string(field) + ": " + what;
    }

    const FedMoeBytes& m_in;
    size_t m_pos{0};
    std::string m_error;
};

void
WriteExperts(Writer& w, const std::vector<uint32_t>& experts,
             const std::vector<FedMoeBytes>& params)
{
    if (experts.size() != params.size())
    {
        throw std::invalid_argument("FedMoePayload: " + std::to_string(experts.size())
                                    + " expert ids but " + std::to_string(params.size())
                                    + " parameter blocks; they must match");
    }
    w.U32(static_cast<uint32_t>(experts.size()));
    for (size_t i = 0; i < experts.size(); ++i)
    {
        w.U32(experts[i]);
        w.Blob(params[i]);
    }
}

void
ReadExperts(Reader& r, std::vector<uint32_t>& experts, std::vector<FedMoeBytes>& params)
{
    // Each expert entry is at least an id and a blob length.
    const uint32_t n = r.Count("experts", FedMoePayload::MAX_EXPERTS, 8);
    experts.clear();
    params.clear();
    experts.reserve(n);
    params.reserve(n);
    for (uint32_t i = 0; i < n; ++i)
    {
        const uint32_t id = r.U32("expert id");
        r.Check(experts.empty() || id > experts.back(), "expert id",
                "ids must be distinct and ascending, got " + std::to_string(id));
        experts.push_back(id);
        params.push_back(r.Blob("expert parameters"));
    }
}

} // namespace

FedMoeBytes
FedMoePayload::Encode(const FedMoeHello& hello)
{
    Writer w;
    w.Blob(reinterpret_cast<const uint8_t*>(hello.tier.data()), hello.tier.size());
    w.F64(hello.capacity.computeGflops);
    w.U32(hello.capacity.cores);
    w.F64(hello.capacity.memoryMb);
    w.F64(hello.capacity.uplinkBps);
    w.F64(hello.capacity.downlinkBps);
    w.F64(hello.capacity.latencyS);
    return w.Take();
}

std::string
FedMoePayload::Decode(const FedMoeBytes& bytes, FedMoeHello& hello)
{
    Reader r(bytes);
    const FedMoeBytes tier = r.Blob("tier");
    r.Check(tier.size() <= MAX_TIER_LENGTH, "tier", "longer than 256 bytes");
    hello.tier.assign(tier.begin(), tier.end());
    hello.capacity.computeGflops = r.F64("computeGflops");
    hello.capacity.cores = r.U32("cores");
    hello.capacity.memoryMb = r.F64("memoryMb");
    hello.capacity.uplinkBps = r.F64("uplinkBps");
    hello.capacity.downlinkBps = r.F64("downlinkBps");
    hello.capacity.latencyS = r.F64("latencySeconds");
    return r.Finish();
}

FedMoeBytes
FedMoePayload::Encode(const FedMoeAssign& assign)
{
    Writer w;
    w.F64(assign.deadlineSeconds);
    w.U32(assign.localSteps);
    w.U64(assign.seed);
    w.Blob(assign.gate);
    WriteExperts(w, assign.experts, assign.expertParams);
    return w.Take();
}

std::string
FedMoePayload::Decode(const FedMoeBytes& bytes, FedMoeAssign& assign)
{
    Reader r(bytes);
    assign.deadlineSeconds = r.F64("deadlineSeconds");
    assign.localSteps = r.U32("localSteps");
    assign.seed = r.U64("seed");
    assign.gate = r.Blob("gate");
    ReadExperts(r, assign.experts, assign.expertParams);
    return r.Finish();
}

FedMoeBytes
FedMoePayload::Encode(const FedMoeUpdate& update)
{
    if (update.routedSamples.size() != update.routingShare.size())
    {
        throw std::invalid_argument(
            "FedMoePayload: routedSamples has " + std::to_string(update.routedSamples.size())
            + " entries but routingShare " + std::to_string(update.routingShare.size())
            + "; both must have one per expert");
    }
    Writer w;
    w.U64(update.samples);
    w.F64(update.meanLoss);
    w.F64(update.flops);
    w.Blob(update.gate);
    WriteExperts(w, update.experts, update.expertParams);
    w.U32(static_cast<uint32_t>(update.routedSamples.size()));
    for (size_t e = 0; e < update.routedSamples.size(); ++e)
    {
        w.U64(update.routedSamples[e]);
        w.F32(update.routingShare[e]);
    }
    return w.Take();
}

std::string
FedMoePayload::Decode(const FedMoeBytes& bytes, FedMoeUpdate& update)
{
    Reader r(bytes);
    update.samples = r.U64("samples");
    update.meanLoss = r.F64("meanLoss");
    update.flops = r.F64("flops");
    update.gate = r.Blob("gate");
    ReadExperts(r, update.experts, update.expertParams);
    const uint32_t n = r.Count("routing entries", MAX_EXPERTS, 12);
    update.routedSamples.assign(n, 0);
    update.routingShare.assign(n, 0.0F);
    for (uint32_t e = 0; e < n; ++e)
    {
        update.routedSamples[e] = r.U64("routedSamples");
        update.routingShare[e] = r.F32("routingShare");
    }
    return r.Finish();
}

} // namespace ns3
