// The example shop: product list, cart, checkout. Plain browser JS, no build step.
(function () {
  const config = window.SHOP_CONFIG || {};
  const cart = [];
  const list = document.getElementById("products");
  const count = document.getElementById("cart-count");
  const checkout = document.getElementById("checkout");
  const banner = document.getElementById("banner");

  function renderCart() {
    count.textContent =
      cart.length === 0
        ? "Your cart is empty"
        : cart.length + (cart.length === 1 ? " item" : " items") + " in your cart";
    checkout.disabled = cart.length === 0;
  }

  function showBanner(kind, text) {
    banner.className = "banner " + kind;
    banner.textContent = text;
    banner.hidden = false;
  }

  fetch("/api/products")
    .then((res) => res.json())
    .then((products) => {
      for (const product of products) {
        const li = document.createElement("li");
        li.className = "product";
        li.dataset.testid = "product-" + product.id;
        const name = document.createElement("h3");
        name.textContent = product.name;
        const price = document.createElement("p");
        price.textContent = "$" + product.price.toFixed(2);
        const add = document.createElement("button");
        add.type = "button";
        add.className = "add";
        add.textContent = config.addLabel || "Add to cart";
        add.addEventListener("click", () => {
          cart.push(product.id);
          renderCart();
        });
        li.append(name, price, add);
        list.append(li);
      }
    });

  checkout.addEventListener("click", async () => {
    checkout.disabled = true;
    try {
      const res = await fetch("/api/checkout", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ items: cart, email: document.getElementById("email").value }),
      });
      const body = await res.json();
      if (res.ok) showBanner("success", (config.successPrefix || "Order confirmed") + ": #" + body.orderId);
      else showBanner("error", "Checkout failed: " + body.error);
    } catch (error) {
      showBanner("error", "Checkout failed: " + error.message);
    } finally {
      checkout.disabled = cart.length === 0;
    }
  });

  renderCart();
})();
