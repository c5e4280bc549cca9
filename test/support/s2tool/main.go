// s2tool: klauspost/compress/s2 (Debian's 1.15.12) as a command-line filter, so our tests can
// check src/compress against the library MinIO writes and reads compressed objects with.
// Every command reads stdin and writes stdout; failures print one line on stderr and exit 1.
//
// Usage:
//
//	s2tool compress [-pad N] [-index FILE] [-minio-index FILE] [-append-index] [-block N] [-fast] [-concurrency N]
//	    A stream written the way MinIO writes objects: s2.NewWriter with WriterBetterCompression
//	    (MinIO's amd64 choice), io.Copy (so the writer's ReadFrom cuts full blocks), optional
//	    WriterPadding(N). -index writes CloseIndex() as it is, -minio-index after RemoveIndexHeaders.
//	s2tool decompress [-mid-stream] [-skip N]
//	    s2.NewReader (ReaderIgnoreStreamIdentifier with -mid-stream), Skip(N), then copy out.
//	s2tool index
//	    s2.IndexStream of the stream on stdin, printed as Index.JSON().
//	s2tool load-index [-headerless] [-find N]
//	    Index.Load of the bytes on stdin (after RestoreIndexHeaders with -headerless); prints the
//	    JSON, or with -find the {"compressed","uncompressed"} pair Index.Find(N) returns.
//	s2tool block-decode | block-encode [-fast]
//	    s2.Decode / s2.EncodeBetter (s2.Encode with -fast) of one block.
//
// Built in GOPATH mode against Debian's packages (see test/support/go-tool.ts):
//
//	GO111MODULE=off GOPATH=<tmp>:/usr/share/gocode go build -o s2tool .
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"os"

	"github.com/klauspost/compress/s2"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "s2tool: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	if len(os.Args) < 2 {
		fail("missing command")
	}
	cmd, args := os.Args[1], os.Args[2:]
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	var err error
	switch cmd {
	case "compress":
		err = compress(args, out)
	case "decompress":
		err = decompress(args, out)
	case "index":
		err = indexStream(out)
	case "load-index":
		err = loadIndex(args, out)
	case "block-decode":
		err = blockDecode(out)
	case "block-encode":
		err = blockEncode(args, out)
	default:
		fail("unknown command %q", cmd)
	}
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		fail("%s: %v", cmd, err)
	}
}

func compress(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("compress", flag.ExitOnError)
	pad := fs.Int("pad", 0, "pad the stream to a multiple of N bytes")
	indexFile := fs.String("index", "", "write the index (with headers) here")
	minioIndexFile := fs.String("minio-index", "", "write the index without headers here")
	appendIndex := fs.Bool("append-index", false, "append the index to the stream")
	block := fs.Int("block", 0, "block size (default: the library's, 1 MiB)")
	fast := fs.Bool("fast", false, "default compression instead of WriterBetterCompression")
	concurrency := fs.Int("concurrency", 0, "writer concurrency (default GOMAXPROCS)")
	_ = fs.Parse(args)

	var opts []s2.WriterOption
	if *pad > 0 {
		// Deterministic filler: the tests compare lengths and layouts, never the padding bytes.
		opts = append(opts, s2.WriterPadding(*pad), s2.WriterPaddingSrc(rand.New(rand.NewSource(1))))
	}
	if !*fast {
		opts = append(opts, s2.WriterBetterCompression())
	}
	if *block > 0 {
		opts = append(opts, s2.WriterBlockSize(*block))
	}
	if *concurrency > 0 {
		opts = append(opts, s2.WriterConcurrency(*concurrency))
	}
	if *appendIndex {
		opts = append(opts, s2.WriterAddIndex())
	}
	w := s2.NewWriter(out, opts...)
	// os.Stdin is wrapped so io.Copy takes the writer's ReadFrom, as MinIO's io.Copy does.
	if _, err := io.Copy(w, struct{ io.Reader }{os.Stdin}); err != nil {
		return err
	}
	idx, err := w.CloseIndex()
	if err != nil {
		return err
	}
	if *indexFile != "" {
		if err := os.WriteFile(*indexFile, idx, 0o644); err != nil {
			return err
		}
	}
	if *minioIndexFile != "" {
		if err := os.WriteFile(*minioIndexFile, s2.RemoveIndexHeaders(idx), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func decompress(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("decompress", flag.ExitOnError)
	mid := fs.Bool("mid-stream", false, "the input starts at a chunk boundary, not at the stream identifier")
	skip := fs.Int64("skip", 0, "uncompressed bytes to skip first")
	_ = fs.Parse(args)
	var opts []s2.ReaderOption
	if *mid {
		opts = append(opts, s2.ReaderIgnoreStreamIdentifier())
	}
	r := s2.NewReader(bufio.NewReaderSize(os.Stdin, 1<<20), opts...)
	if *skip > 0 {
		if err := r.Skip(*skip); err != nil {
			return err
		}
	}
	_, err := io.Copy(out, r)
	return err
}

func indexStream(out io.Writer) error {
	raw, err := s2.IndexStream(bufio.NewReaderSize(os.Stdin, 1<<20))
	if err != nil {
		return err
	}
	var idx s2.Index
	if _, err := idx.Load(raw); err != nil {
		return err
	}
	_, err = out.Write(idx.JSON())
	return err
}

func loadIndex(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("load-index", flag.ExitOnError)
	headerless := fs.Bool("headerless", false, "the input was stored after RemoveIndexHeaders")
	find := fs.Int64("find", -1, "print Index.Find of this uncompressed offset")
	_ = fs.Parse(args)
	raw, err := io.ReadAll(os.Stdin)
	if err != nil {
		return err
	}
	if *headerless {
		raw = s2.RestoreIndexHeaders(raw)
	}
	var idx s2.Index
	rest, err := idx.Load(raw)
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return fmt.Errorf("%d bytes after the index", len(rest))
	}
	if *find < 0 {
		_, err = out.Write(idx.JSON())
		return err
	}
	c, u, err := idx.Find(*find)
	if err != nil {
		return err
	}
	return json.NewEncoder(out).Encode(map[string]int64{"compressed": c, "uncompressed": u})
}

func blockDecode(out io.Writer) error {
	raw, err := io.ReadAll(os.Stdin)
	if err != nil {
		return err
	}
	dec, err := s2.Decode(nil, raw)
	if err != nil {
		return err
	}
	_, err = out.Write(dec)
	return err
}

func blockEncode(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("block-encode", flag.ExitOnError)
	fast := fs.Bool("fast", false, "s2.Encode instead of s2.EncodeBetter")
	_ = fs.Parse(args)
	raw, err := io.ReadAll(os.Stdin)
	if err != nil {
		return err
	}
	var enc []byte
	if *fast {
		enc = s2.Encode(nil, raw)
	} else {
		enc = s2.EncodeBetter(nil, raw)
	}
	_, err = out.Write(enc)
	return err
}
