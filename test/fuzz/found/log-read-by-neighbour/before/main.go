// Command harbor is a tiny program for the builder-pattern fuzzer.
package main

import "fmt"

func main() {
	fmt.Println("harbor: ok")
}
