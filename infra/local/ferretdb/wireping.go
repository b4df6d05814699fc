// wireping sends one MongoDB wire-protocol command ({ping: 1} on "admin", as an OP_MSG)
// and exits 0 only if the server answers with ok: 1. It uses the standard library only,
// so infra/local/ferretdb.sh can build it with the Go toolchain that builds FerretDB
// (no node, python or mongosh needed to know that the server really serves requests).
//
//	wireping [-addr 127.0.0.1:27018] [-timeout 2s]
package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"time"
)

const opMsg = 2013

func main() {
	addr := flag.String("addr", "127.0.0.1:27017", "host:port of the server")
	timeout := flag.Duration("timeout", 2*time.Second, "deadline for connect, send and reply")
	flag.Parse()

	if err := ping(*addr, *timeout); err != nil {
		fmt.Fprintf(os.Stderr, "wireping %s: %v\n", *addr, err)
		os.Exit(1)
	}
}

func ping(addr string, timeout time.Duration) error {
	conn, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err = conn.SetDeadline(time.Now().Add(timeout)); err != nil {
		return err
	}

	// {ping: int32(1), $db: "admin"}
	var doc bytes.Buffer
	doc.WriteByte(0x10)
	doc.WriteString("ping\x00")
	_ = binary.Write(&doc, binary.LittleEndian, int32(1))
	doc.WriteByte(0x02)
	doc.WriteString("$db\x00")
	_ = binary.Write(&doc, binary.LittleEndian, int32(len("admin")+1))
	doc.WriteString("admin\x00")
	doc.WriteByte(0x00)
	body := make([]byte, 4, 4+doc.Len())
	binary.LittleEndian.PutUint32(body, uint32(4+doc.Len()))
	body = append(body, doc.Bytes()...)

	var msg bytes.Buffer
	hdr := []int32{int32(16 + 4 + 1 + len(body)), 1, 0, opMsg}
	_ = binary.Write(&msg, binary.LittleEndian, hdr)
	_ = binary.Write(&msg, binary.LittleEndian, uint32(0)) // flagBits
	msg.WriteByte(0)                                      // section kind 0: body
	msg.Write(body)
	if _, err = conn.Write(msg.Bytes()); err != nil {
		return err
	}

	var rh [16]byte
	if _, err = io.ReadFull(conn, rh[:]); err != nil {
		return fmt.Errorf("reading reply header: %w", err)
	}
	length := int(binary.LittleEndian.Uint32(rh[0:4]))
	if op := binary.LittleEndian.Uint32(rh[12:16]); op != opMsg {
		return fmt.Errorf("unexpected reply opcode %d", op)
	}
	if length < 16+5+5 || length > 48<<20 {
		return fmt.Errorf("bad reply length %d", length)
	}
	rest := make([]byte, length-16)
	if _, err = io.ReadFull(conn, rest); err != nil {
		return fmt.Errorf("reading reply: %w", err)
	}
	if rest[4] != 0 {
		return fmt.Errorf("unexpected reply section kind %d", rest[4])
	}
	return checkOK(rest[5:])
}

// checkOK walks the top-level elements of a BSON document and checks its "ok" field.
func checkOK(d []byte) error {
	if len(d) < 5 {
		return errors.New("short reply document")
	}
	n := int(binary.LittleEndian.Uint32(d))
	if n > len(d) || n < 5 {
		return errors.New("bad reply document length")
	}
	d = d[4 : n-1]
	ok := math.NaN()
	errmsg := ""
	for len(d) > 0 {
		t := d[0]
		end := bytes.IndexByte(d[1:], 0)
		if end < 0 {
			return errors.New("bad element name")
		}
		name := string(d[1 : 1+end])
		d = d[2+end:]
		var size int
		switch t {
		case 0x01, 0x09, 0x11, 0x12: // double, datetime, timestamp, int64
			size = 8
		case 0x10: // int32
			size = 4
		case 0x08: // bool
			size = 1
		case 0x0A: // null
			size = 0
		case 0x07: // ObjectId
			size = 12
		case 0x13: // decimal128
			size = 16
		case 0x02: // string
			if len(d) < 4 {
				return errors.New("truncated string")
			}
			size = 4 + int(binary.LittleEndian.Uint32(d))
		case 0x03, 0x04: // document, array
			if len(d) < 4 {
				return errors.New("truncated document")
			}
			size = int(binary.LittleEndian.Uint32(d))
		case 0x05: // binary
			if len(d) < 4 {
				return errors.New("truncated binary")
			}
			size = 5 + int(binary.LittleEndian.Uint32(d))
		default:
			size = -1
		}
		if size < 0 || size > len(d) {
			break // unknown or truncated element: stop walking, judge by what we saw
		}
		v := d[:size]
		switch {
		case name == "ok" && t == 0x01:
			ok = math.Float64frombits(binary.LittleEndian.Uint64(v))
		case name == "ok" && t == 0x10:
			ok = float64(int32(binary.LittleEndian.Uint32(v)))
		case name == "ok" && t == 0x12:
			ok = float64(int64(binary.LittleEndian.Uint64(v)))
		case name == "ok" && t == 0x08:
			ok = float64(v[0])
		case name == "errmsg" && t == 0x02 && size > 5:
			errmsg = string(v[4 : size-1])
		}
		d = d[size:]
	}
	if ok != 1 {
		return fmt.Errorf("server replied ok=%v %s", ok, errmsg)
	}
	return nil
}
