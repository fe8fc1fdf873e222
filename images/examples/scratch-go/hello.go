// fips-hello: a sample program built in FIPS mode, and a quick self-check for developers.
package main

import (
	"crypto/fips140"
	"crypto/sha256"
	"fmt"
	"runtime"
)

func main() {
	fmt.Printf("%s fips140.Enabled=%v sha256(\"\")=%x\n", runtime.Version(), fips140.Enabled(), sha256.Sum256(nil))
}
